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
        _ view: DiffViewState, _ index: Int, bytes: [UInt8], base: Style, excluded: Bool, theme: Theme
    ) -> [(Range<Int>, Style)] {
        guard !excluded, case .line(let kind) = view.rows[index].kind else { return [] }
        let syntax = view.language(ofRow: index).map { SyntaxLexer.spans(bytes, language: $0) } ?? []
        var emphasis: [Range<Int>] = []
        let partner = Int(view.partners[index])
        if partner >= 0, kind == .removed || kind == .added {
            let other = Array(view.rows[partner].text.utf8)
            let result =
                kind == .removed ? WordDiff.compare(bytes, other) : WordDiff.compare(other, bytes)
            emphasis = kind == .removed ? result.removed : result.added
        }
        if syntax.isEmpty && emphasis.isEmpty { return [] }
        let emphasisStyle = theme[kind == .removed ? .removedEmphasis : .addedEmphasis]
        // Cut at every boundary of either list, then style each piece from both.
        var cuts = Set<Int>()
        for span in syntax { cuts.insert(span.range.lowerBound); cuts.insert(span.range.upperBound) }
        for range in emphasis { cuts.insert(range.lowerBound); cuts.insert(range.upperBound) }
        let points = cuts.sorted()
        var result: [(Range<Int>, Style)] = []
        var syntaxIndex = 0
        var emphasisIndex = 0
        for (start, end) in zip(points, points.dropFirst()) {
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

    /// Draws `text` in `area` from column `leftColumn` (or wrapped), styled by `runs`; returns
    /// the screen lines used.
    @discardableResult
    static func draw(
        _ text: String, runs: [(Range<Int>, Style)], base: Style, leftColumn: Int, wraps: Bool,
        into canvas: inout Canvas, area: Area, marker: Style
    ) -> Int {
        guard area.width > 0 else { return 1 }
        let skip = wraps ? 0 : leftColumn
        var line = 0
        var column = 0  // display column within the text
        var x = area.x
        var offset = 0
        var runIndex = 0
        var pending = ""
        var pendingStyle = base
        var pendingX = x
        var cut = false
        var skipped = false
        func flush(_ canvas: inout Canvas) {
            if !pending.isEmpty {
                canvas.put(pending, x: pendingX, y: area.y + line, style: pendingStyle, clip: area.clip)
                pending = ""
            }
        }
        for character in text {
            let size = character.utf8.count
            defer { offset += size }
            let shown = TextWidth.displayable(character)
            let width = TextWidth.width(ofDisplayable: shown)
            if width == 0 { continue }
            if column < skip {
                column += width
                skipped = true
                continue
            }
            if x + width > area.x + area.width {
                if !wraps || line + 1 >= area.maxLines {
                    cut = true
                    break
                }
                flush(&canvas)
                line += 1
                x = area.x
            }
            while runIndex < runs.count, runs[runIndex].0.upperBound <= offset { runIndex += 1 }
            let style =
                runIndex < runs.count && runs[runIndex].0.lowerBound <= offset ? runs[runIndex].1 : base
            if style != pendingStyle || pending.isEmpty {
                flush(&canvas)
                pendingStyle = style
                pendingX = x
            }
            pending.append(shown)
            x += width
            column += width
        }
        flush(&canvas)
        if cut {
            canvas.put("›", x: area.x + area.width - 1, y: area.y + line, style: marker, clip: area.clip)
        }
        if skipped {
            canvas.put("‹", x: area.x, y: area.y, style: marker, clip: area.clip)
        }
        return line + 1
    }
}
