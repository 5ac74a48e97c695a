extension Canvas {
    /// Draws a border around `rect` with an optional title in the top edge (`╭─ Jobs ───╮`).
    ///
    /// The title is truncated with `…` to fit between the corners; a rect narrower or shorter than
    /// two cells has no room for a border and draws nothing.
    public mutating func box(
        _ rect: Rect, style: Style = .plain, title: String? = nil, titleStyle: Style? = nil,
        glyphs: BorderGlyphs = .rounded
    ) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let h = String(glyphs.horizontal)
        let v = String(glyphs.vertical)
        put(String(glyphs.topLeft), x: rect.x, y: rect.y, style: style)
        put(String(glyphs.topRight), x: rect.maxX - 1, y: rect.y, style: style)
        put(String(glyphs.bottomLeft), x: rect.x, y: rect.maxY - 1, style: style)
        put(String(glyphs.bottomRight), x: rect.maxX - 1, y: rect.maxY - 1, style: style)
        for x in (rect.x + 1)..<(rect.maxX - 1) {
            put(h, x: x, y: rect.y, style: style)
            put(h, x: x, y: rect.maxY - 1, style: style)
        }
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            put(v, x: rect.x, y: y, style: style)
            put(v, x: rect.maxX - 1, y: y, style: style)
        }
        if let title, !title.isEmpty {
            // " title " after one horizontal, leaving one horizontal before the right corner.
            let room = rect.width - 4
            guard room >= 3 else { return }
            let text = TextWidth.truncate(title, to: room - 2)
            let titleArea = Rect(x: rect.x + 2, y: rect.y, width: room, height: 1)
            put(" " + text + " ", x: rect.x + 2, y: rect.y, style: titleStyle ?? style, clip: titleArea)
        }
    }
}
