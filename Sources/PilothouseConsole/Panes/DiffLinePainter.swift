import PilothouseCore

/// Draws one line of a patch the way a reviewer reads it: syntax colours from the file's
/// language, the changed words of a replaced line emphasised against its partner, and long
/// lines scrolled sideways or wrapped — cut lines end in `›` (and start in `‹` when scrolled),
/// so nothing is ever hidden without a mark.
///
/// Only rows on screen are painted, so a 50,000-line patch costs what 60 lines cost.
enum DiffLinePainter {
    /// Where and how much a line may take.
    struct Area {
        var x: Int
        var y: Int
        var width: Int
        /// Screen lines the line may use when wrapping (1 without wrap).
        var maxLines: Int
        var clip: Rect
    }

    /// The style of each classified or emphasised run of `view.rows[index]`'s text, as UTF-8
    /// ranges; text outside every run keeps the line's own style.
    static func runs(
        _ view: DiffViewState, _ index: Int, bytes: [UInt8], limit: Int, base: Style, excluded: Bool,
        theme: Theme
    ) -> [(Range<Int>, Style)] {
        guard !excluded, case .line(let kind) = view.rows[index].kind else { return [] }
        let syntax = view.language(ofRow: index).map { SyntaxLexer.spans(bytes, language: $0) } ?? []
        var emphasis: [Range<Int>] = []
        let partner = Int(view.partners[index])
        if partner >= 0, kind == .removed || kind == .added {
            let other = Array(view.rows[partner].text.utf8.prefix(limit))
            let result =
                kind == .removed ? WordDiff.compare(bytes, other) : WordDiff.compare(other, bytes)
            emphasis = kind == .removed ? result.removed : result.added
        }
        if syntax.isEmpty && emphasis.isEmpty { return [] }
        let emphasisStyle = theme[kind == .removed ? .removedEmphasis : .addedEmphasis]
        // Cut at every boundary of either list, then style each piece from both.
        var points: [Int] = []
        points.reserveCapacity(2 * (syntax.count + emphasis.count))
        for span in syntax { points += [span.range.lowerBound, span.range.upperBound] }
        for range in emphasis { points += [range.lowerBound, range.upperBound] }
        points.sort()
        var result: [(Range<Int>, Style)] = []
        var syntaxIndex = 0
        var emphasisIndex = 0
        for (start, end) in zip(points, points.dropFirst()) where start < end {
            while syntaxIndex < syntax.count, syntax[syntaxIndex].range.upperBound <= start {
                syntaxIndex += 1
            }
            while emphasisIndex < emphasis.count, emphasis[emphasisIndex].upperBound <= start {
                emphasisIndex += 1
            }
            let inSyntax = syntaxIndex < syntax.count && syntax[syntaxIndex].range.lowerBound <= start
            let inEmphasis = emphasisIndex < emphasis.count && emphasis[emphasisIndex].lowerBound <= start
            guard inSyntax || inEmphasis else { continue }
            var style = base
            if inSyntax { style = layer(theme[role(syntax[syntaxIndex].kind)], over: style) }
            if inEmphasis { style = layer(emphasisStyle, over: style) }
            result.append((start..<end, style))
        }
        return result
    }

    /// How many bytes of a line can reach the screen: every column up to the right edge, at
    /// the widest UTF-8 a character takes, plus slack for zero-width characters.
    static func byteLimit(leftColumn: Int, width: Int, lines: Int) -> Int {
        (leftColumn + max(1, width) * max(1, lines)) * 4 + 256
    }

    static func role(_ kind: SyntaxClass) -> ThemeRole {
        switch kind {
        case .keyword: .syntaxKeyword
        case .string: .syntaxString
        case .comment: .syntaxComment
        case .number: .syntaxNumber
        }
    }

    /// `top` over `bottom`: its colours where it has them, attributes added. A theme that leaves
    /// a syntax role at the default colour (monochrome, NO_COLOR) therefore changes nothing.
    static func layer(_ top: Style, over bottom: Style) -> Style {
        var style = bottom
        if top.foreground != .default { style.foreground = top.foreground }
        if top.background != .default { style.background = top.background }
        style.attributes.formUnion(top.attributes)
        return style
    }

    /// Draws `text` (whose UTF-8 is `bytes`) in `area` from column `leftColumn` (or wrapped),
    /// styled by `runs`; returns the screen lines used.
    ///
    /// Cells are written directly rather than through `Canvas.put`, so each character is
    /// measured once; an all-ASCII line (the common case in code) skips grapheme breaking.
    @discardableResult
    static func draw(
        _ text: String, bytes: [UInt8], runs: [(Range<Int>, Style)], base: Style, leftColumn: Int,
        wraps: Bool, into canvas: inout Canvas, area: Area, marker: Style
    ) -> Int {
        guard area.width > 0 else { return 1 }
        var layout = Layout(area: area, skip: wraps ? 0 : leftColumn, wraps: wraps, runs: runs, base: base)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            for (offset, byte) in bytes.enumerated() {
                if !layout.place(asciiGlyphs[Int(byte)], width: 1, offset: offset, into: &canvas) { break }
            }
        } else {
            var offset = 0
            for character in text {
                let shown = TextWidth.displayable(character)
                let width = TextWidth.width(ofDisplayable: shown)
                if width > 0, !layout.place(shown, width: width, offset: offset, into: &canvas) { break }
                offset += character.utf8.count
            }
        }
        if layout.cut {
            canvas.put(
                "›", x: area.x + area.width - 1, y: area.y + layout.line, style: marker, clip: area.clip)
        }
        if layout.skipped {
            canvas.put("‹", x: area.x, y: area.y, style: marker, clip: area.clip)
        }
        return layout.line + 1
    }

    /// `Canvas.put` for text known to be short and usually ASCII (line numbers, `+`/`-`): skips
    /// grapheme breaking and Unicode property lookups, falling back to `put` otherwise.
    @discardableResult
    static func putASCII(_ text: String, x: Int, y: Int, style: Style, clip: Rect, into canvas: inout Canvas)
        -> Int
    {
        let bytes = text.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            return canvas.put(text, x: x, y: y, style: style, clip: clip)
        }
        var column = x
        for byte in bytes {
            if y >= clip.y, y < clip.maxY, column >= clip.x, column < clip.maxX {
                canvas.setCell(Cell(asciiGlyphs[Int(byte)], style: style), x: column, y: y)
            }
            column += 1
        }
        return column
    }

    /// What every ASCII byte shows as: itself, or the replacement for control bytes.
    private static let asciiGlyphs: [Character] = (0..<128).map {
        TextWidth.displayable(Character(Unicode.Scalar(UInt8($0))))
    }

    /// The running position of one line's layout.
    private struct Layout {
        let area: Area
        let skip: Int
        let wraps: Bool
        let runs: [(Range<Int>, Style)]
        let base: Style
        var line = 0
        var column = 0
        var x: Int
        var runIndex = 0
        var cut = false
        var skipped = false

        init(area: Area, skip: Int, wraps: Bool, runs: [(Range<Int>, Style)], base: Style) {
            self.area = area
            self.skip = skip
            self.wraps = wraps
            self.runs = runs
            self.base = base
            self.x = area.x
        }

        /// Places one glyph; false when the line is full (and cut).
        mutating func place(_ glyph: Character, width: Int, offset: Int, into canvas: inout Canvas) -> Bool {
            if column < skip {
                column += width
                skipped = true
                return true
            }
            if x + width > area.x + area.width {
                if !wraps || line + 1 >= area.maxLines {
                    cut = true
                    return false
                }
                line += 1
                x = area.x
            }
            while runIndex < runs.count, runs[runIndex].0.upperBound <= offset { runIndex += 1 }
            let style =
                runIndex < runs.count && runs[runIndex].0.lowerBound <= offset ? runs[runIndex].1 : base
            let y = area.y + line
            if y >= area.clip.y, y < area.clip.maxY, x >= area.clip.x, x + width <= area.clip.maxX {
                canvas.setCell(Cell(glyph, style: style, width: UInt8(width)), x: x, y: y)
            }
            x += width
            column += width
            return true
        }
    }
}
