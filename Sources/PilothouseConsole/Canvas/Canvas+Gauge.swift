extension Canvas {
    /// Draws a one-row gauge in the first row of `rect`: a bar, a space, then `label`
    /// (`▰▰▰▰▱▱▱▱ 50%`).
    ///
    /// The label keeps its full width and the bar gets the rest, because the number is what the
    /// operator reads and the bar is only a glance aid; when the label alone does not fit, it is
    /// truncated and the bar dropped. Fractions are clamped to 0…1, and NaN counts as 0.
    public mutating func gauge(
        _ rect: Rect, fraction: Double, label: String? = nil, fillStyle: Style = .plain,
        emptyStyle: Style = .plain, labelStyle: Style = .plain, glyphs: GaugeGlyphs = .parallelogram
    ) {
        let row = rect.row(0).intersection(bounds.intersection(rect))
        guard !row.isEmpty else { return }
        let clamped = fraction.isNaN ? 0 : min(1, max(0, fraction))
        let text = label ?? "\(Self.percent(clamped))%"
        let labelWidth = TextWidth.of(text)
        let barWidth = text.isEmpty ? rect.width : rect.width - labelWidth - 1
        if barWidth < 1 {
            put(text, x: rect.x, y: rect.y, style: labelStyle, clip: row, overflow: .ellipsis)
            return
        }
        let eighthsTotal = Int((clamped * Double(barWidth * 8)).rounded(.down))
        var full = eighthsTotal / 8
        var partial = eighthsTotal % 8
        if glyphs != .blocks {
            // Whole-cell glyphs: round to the nearest cell, but show any non-zero value as one cell
            // and never show a not-quite-full value as full.
            full = Int((clamped * Double(barWidth)).rounded())
            if clamped > 0 && full == 0 { full = 1 }
            if clamped < 1 && full == barWidth { full = barWidth - 1 }
            partial = 0
        }
        let filledText = String(repeating: glyphs.filled, count: full)
        var x = put(filledText, x: rect.x, y: rect.y, style: fillStyle, clip: row)
        var emptyCount = barWidth - full
        if partial > 0 && emptyCount > 0 {
            x = put(String(GaugeGlyphs.eighths[partial - 1]), x: x, y: rect.y, style: fillStyle, clip: row)
            emptyCount -= 1
        }
        x = put(
            String(repeating: glyphs.empty, count: emptyCount), x: x, y: rect.y, style: emptyStyle, clip: row)
        if !text.isEmpty {
            put(" " + text, x: x, y: rect.y, style: labelStyle, clip: row)
        }
    }

    /// A gauge for integer quantities (micro-dollars, tokens, requests), so callers need no floating
    /// point; the default label is the rounded-down percentage. A non-positive total shows an empty bar.
    public mutating func gauge(
        _ rect: Rect, value: Int64, total: Int64, label: String? = nil, fillStyle: Style = .plain,
        emptyStyle: Style = .plain, labelStyle: Style = .plain, glyphs: GaugeGlyphs = .parallelogram
    ) {
        let fraction = total > 0 ? Double(max(0, value)) / Double(total) : 0
        let percent = Self.percent(min(9.99, fraction))
        gauge(
            rect, fraction: fraction, label: label ?? "\(percent)%", fillStyle: fillStyle,
            emptyStyle: emptyStyle, labelStyle: labelStyle, glyphs: glyphs)
    }

    /// Whole percent, rounded down so 99.7% never reads as done, but with a tolerance so 0.29 (which
    /// is 28.999… in binary) still reads 29%.
    static func percent(_ fraction: Double) -> Int {
        Int((fraction * 100 + 1e-9).rounded(.down))
    }
}
