/// What the console shows instead of its panes when the terminal is below `Layout.minimum`.
///
/// Panes are designed for the minimum size; squeezing them further produces overlapping garbage.
/// This view word-wraps its message to any width and shows as many lines as fit, so it is legible
/// at 20×5 and draws nothing (rather than crashing) at 0×0.
public struct TooSmallView: Sendable {
    public var minimum: Size

    public init(minimum: Size = Layout.minimum) {
        self.minimum = minimum
    }

    public var message: String { "terminal too small (need \(minimum))" }

    public func render(into canvas: inout Canvas, style: Style = .plain, detailStyle: Style? = nil) {
        canvas.fill(canvas.bounds, style: style)
        guard canvas.width > 0, canvas.height > 0 else { return }
        var lines = Self.wrap(message, width: canvas.width)
        // The current size helps the operator see how far off they are, if there is room for it.
        let current = "now \(canvas.size)"
        let withCurrent = lines.count + 1 <= canvas.height && TextWidth.of(current) <= canvas.width
        if withCurrent { lines.append(current) }
        lines = Array(lines.prefix(canvas.height))
        let top = (canvas.height - lines.count) / 2
        for (i, line) in lines.enumerated() {
            let x = (canvas.width - TextWidth.of(line)) / 2
            let isDetail = withCurrent && i == lines.count - 1
            canvas.put(
                line, x: max(0, x), y: top + i, style: isDetail ? (detailStyle ?? style) : style,
                overflow: .ellipsis)
        }
    }

    /// Greedy word wrap; a word longer than the width is truncated with `…`.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ").map(String.init) {
            let fitted = TextWidth.truncate(word, to: width)
            if current.isEmpty {
                current = fitted
            } else if TextWidth.of(current) + 1 + TextWidth.of(fitted) <= width {
                current += " " + fitted
            } else {
                lines.append(current)
                current = fitted
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
