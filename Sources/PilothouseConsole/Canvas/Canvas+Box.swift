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
        fill(Rect(x: rect.x, y: rect.y, width: 1, height: 1), with: glyphs.topLeft, style: style)
        fill(Rect(x: rect.maxX - 1, y: rect.y, width: 1, height: 1), with: glyphs.topRight, style: style)
        fill(Rect(x: rect.x, y: rect.maxY - 1, width: 1, height: 1), with: glyphs.bottomLeft, style: style)
        fill(
            Rect(x: rect.maxX - 1, y: rect.maxY - 1, width: 1, height: 1), with: glyphs.bottomRight,
            style: style)
        let edge = rect.width - 2
        fill(Rect(x: rect.x + 1, y: rect.y, width: edge, height: 1), with: glyphs.horizontal, style: style)
        fill(
            Rect(x: rect.x + 1, y: rect.maxY - 1, width: edge, height: 1), with: glyphs.horizontal,
            style: style)
        let side = rect.height - 2
        fill(Rect(x: rect.x, y: rect.y + 1, width: 1, height: side), with: glyphs.vertical, style: style)
        fill(
            Rect(x: rect.maxX - 1, y: rect.y + 1, width: 1, height: side), with: glyphs.vertical, style: style
        )
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
