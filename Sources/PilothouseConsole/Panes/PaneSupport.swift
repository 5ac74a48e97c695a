import Foundation
import PilothouseCore

extension Theme {
    /// `role`'s foreground and attributes on `background`'s background: text inside a bar (status
    /// line, selected row) keeps the bar's colour while still saying "error" or "ok".
    func style(_ role: ThemeRole, on background: ThemeRole) -> Style {
        var style = self[role]
        style.background = self[background].background
        style.attributes.formUnion(self[background].attributes)
        if style.foreground == .default { style.foreground = self[background].foreground }
        return style
    }
}

/// Borders and titles shared by every pane.
enum PaneFrame {
    /// Draws the pane's border, `number title` in the top edge and an optional note at its right,
    /// and returns the inside. The focused pane gets the heavy border so focus shows without colour.
    @discardableResult
    static func draw(
        _ canvas: inout Canvas, _ rect: Rect, pane: PaneID?, title: String, focused: Bool, theme: Theme,
        note: String? = nil, noteRole: ThemeRole = .muted
    ) -> Rect {
        canvas.fill(rect, style: theme[.normal])
        var label = pane.map { "\($0.rawValue) \(title)" } ?? title
        if let note, !note.isEmpty {
            // The note (position, counts) is what changes; the title gives way to it.
            let room = rect.width - 4 - 2 - (TextWidth.of(note) + 2) - 3
            if TextWidth.of(label) > room { label = TextWidth.truncate(label, to: max(8, room)) }
        }
        canvas.box(
            rect, style: theme[focused ? .focusedBorder : .border], title: label, titleStyle: theme[.title],
            glyphs: focused ? .heavy : .rounded)
        if let note, !note.isEmpty, rect.width > 12 {
            let titleEnd = rect.x + 4 + TextWidth.of(label)
            let room = rect.maxX - 3 - titleEnd - 1
            if room >= 4 {
                let text = " " + TextWidth.truncate(note, to: room - 2) + " "
                canvas.put(text, x: rect.maxX - 2 - TextWidth.of(text), y: rect.y, style: theme[noteRole])
            }
        }
        return rect.inset(by: 1)
    }

    /// Marks the selected row: the full selection colour in the focused pane, a pointer otherwise,
    /// so the operator sees which job the beads pane is about without losing track of focus.
    static func highlight(_ canvas: inout Canvas, row: Rect, focused: Bool, theme: Theme) {
        if focused {
            let selection = theme[.selection]
            canvas.restyle(row) { _ in selection }
        } else {
            canvas.put("›", x: row.x, y: row.y, style: theme[.accent])
        }
    }

    static func empty(_ canvas: inout Canvas, _ inner: Rect, _ text: String, theme: Theme) {
        guard inner.height > 0 else { return }
        canvas.put(text, x: inner.x + 1, y: inner.y, style: theme[.muted], clip: inner, overflow: .ellipsis)
    }
}

/// Which slice of a long list is on screen. Only that slice is ever rendered, so a frame costs
/// the same with 10 jobs or 10,000.
enum ListWindow {
    /// The first visible row: the previous one, moved just enough to keep `selected` visible.
    static func top(selected: Int?, previousTop: Int, height: Int, count: Int) -> Int {
        guard height > 0, count > 0 else { return 0 }
        var top = min(max(0, previousTop), max(0, count - height))
        if let selected {
            if selected < top { top = selected }
            if selected >= top + height { top = selected - height + 1 }
        }
        return max(0, top)
    }
}

/// Short, fixed-width renderings of numbers and times for narrow columns.
enum Format {
    /// `45s`, `12m`, `3h`, `2d`: coarse on purpose, so ages need no per-second redraws.
    static func age(from date: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86_400)d"
    }

    /// `512B`, `40K`, `3.1M`, `12G`: bytes in at most four characters plus the unit.
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "K", "M", "G", "T", "P"]
        var value = Double(max(0, count))
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(value))B" }
        return (value < 10 ? String(format: "%.1f", value) : "\(Int(value))") + units[unit]
    }

    /// `350ms`, `1.2s`, `2m05s`, `3h10m`.
    static func duration(milliseconds ms: Int64) -> String {
        let ms = max(0, ms)
        if ms < 1000 { return "\(ms)ms" }
        if ms < 10_000 { return "\(ms / 1000).\((ms % 1000) / 100)s" }
        let seconds = ms / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(pad2(seconds % 60))s" }
        return "\(seconds / 3600)h\(pad2((seconds % 3600) / 60))m"
    }

    /// `950`, `3.4k`, `12k`, `1.2M`.
    static func compact(_ value: Int) -> String {
        let v = max(0, value)
        if v < 1000 { return "\(v)" }
        if v < 10_000 { return "\(v / 1000).\((v % 1000) / 100)k" }
        if v < 1_000_000 { return "\(v / 1000)k" }
        if v < 10_000_000 { return "\(v / 1_000_000).\((v % 1_000_000) / 100_000)M" }
        return "\(v / 1_000_000)M"
    }

    /// Dollars with at most two decimals for gauges (`$1.20`, `$0.004` is shown as `<$0.01`).
    static func money(_ money: Money) -> String {
        let micros = money.micros
        if micros > 0 && micros < 10_000 { return "<$0.01" }
        let cents = (micros + 5_000) / 10_000
        return "$\(cents / 100).\(pad2(cents % 100))"
    }

    private static func pad2(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Left-aligned and cut or padded to exactly `width` columns.
    static func fit(_ text: String, _ width: Int) -> String { TextWidth.pad(text, to: max(0, width)) }

    /// Right-aligned in `width` columns.
    static func right(_ text: String, _ width: Int) -> String {
        let w = TextWidth.of(text)
        return w >= width
            ? TextWidth.truncate(text, to: width) : String(repeating: " ", count: width - w) + text
    }
}
