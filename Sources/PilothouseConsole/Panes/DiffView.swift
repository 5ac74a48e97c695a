import PilothouseCore

/// The diff viewer over the main area: file list and the decision facts (review, tests, policy
/// flags, hunks chosen) on the left, the patch on the right — unified, or side by side when the
/// terminal has 160 columns or more.
enum DiffView {
    static let sideBySideMinimumWidth = 160

    /// Draws `view` and returns the body's height, which page keys scroll by.
    static func render(
        _ view: DiffViewState, request: ApprovalRequest?, model: ConsoleModel, into canvas: inout Canvas,
        rect: Rect,
        theme: Theme, sideBySide: Bool
    ) -> Int {
        let leftWidth = rect.width < 120 ? 26 : min(40, rect.width / 5)
        let columns = Layout.columns(rect, [.fixed(leftWidth), .fill()])
        let decisionHeight = min(max(8, rect.height / 2), decisionLines(view, request: request).count + 2)
        let left = Layout.rows(columns[0], [.fill(), .fixed(decisionHeight)])
        drawFiles(view, into: &canvas, rect: left[0], theme: theme)
        drawDecision(view, request: request, into: &canvas, rect: left[1], theme: theme)
        let comments = model.reviewDrafts[view.jobID].flatMap {
            $0.diff == view.diffBytes ? $0.comments : nil
        }
        return drawBody(
            view, request: request, comments: comments ?? [:], into: &canvas, rect: columns[1], theme: theme,
            sideBySide: sideBySide)
    }

    // MARK: Left column

    private static func drawFiles(_ view: DiffViewState, into canvas: inout Canvas, rect: Rect, theme: Theme)
    {
        let inner = PaneFrame.draw(
            &canvas, rect, pane: nil, title: "Files \(view.files.count)", focused: false, theme: theme)
        guard inner.height > 0 else { return }
        if view.files.isEmpty {
            PaneFrame.empty(&canvas, inner, view.parseError == nil ? "no files" : "unparsable", theme: theme)
            return
        }
        let current = view.fileOfCurrentHunk
        let top = ListWindow.top(
            selected: current, previousTop: 0, height: inner.height, count: view.files.count)
        for index in top..<min(view.files.count, top + inner.height) {
            let file = view.files[index]
            let row = inner.row(index - top)
            var x = row.x
            x = canvas.put(index == current ? "›" : " ", x: x, y: row.y, style: theme[.accent], clip: row)
            x =
                DiffLinePainter.putASCII(
                    "+\(file.added)", x: x, y: row.y, style: theme[.added], clip: row, into: &canvas) + 1
            x =
                DiffLinePainter.putASCII(
                    "-\(file.removed)", x: x, y: row.y, style: theme[.removed], clip: row, into: &canvas) + 1
            DiffLinePainter.putASCII(
                tail(file.path, width: row.maxX - x), x: x, y: row.y,
                style: theme[index == current ? .title : .normal], clip: row, into: &canvas)
        }
    }

    /// A path cut from the left (`…/Sources/Foo.swift`): the file name is the part that tells.
    static func tail(_ path: String, width: Int) -> String {
        guard width > 0 else { return "" }
        let bytes = path.utf8
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            // Printable ASCII, one column a byte: no grapheme breaking needed.
            return bytes.count <= width
                ? path : "…" + String(decoding: bytes.suffix(width - 1), as: UTF8.self)
        }
        if TextWidth.of(path) <= width { return path }
        var kept: [Character] = []
        var used = 1
        for character in path.reversed() {
            let w = TextWidth.of(character)
            if used + w > width { break }
            kept.append(character)
            used += w
        }
        return "…" + String(kept.reversed())
    }

    static func decisionLines(_ view: DiffViewState, request: ApprovalRequest?) -> [(String, ThemeRole)] {
        var lines: [(String, ThemeRole)] = []
        if let request {
            lines.append(("attempt \(request.attempt)", .muted))
            if let review = request.review {
                lines.append(("review \(review.overall)/10", ApprovalsPane.scoreRole(review.overall)))
                for key in review.dimensions.keys.sorted() {
                    let score = review.dimensions[key] ?? 0
                    lines.append(("  \(key) \(score)", ApprovalsPane.scoreRole(score)))
                }
            } else {
                lines.append(("review —", .muted))
            }
            if let tests = request.tests {
                var text = tests.passed ? "tests ✓ passed" : "tests ✗ failed"
                if let passed = tests.passedCount { text += " \(passed) ok" }
                if let failed = tests.failedCount, failed > 0 { text += " \(failed) bad" }
                lines.append((text, tests.passed ? .ok : .error))
            } else {
                lines.append(("tests —", .muted))
            }
            for flag in request.policyFlags { lines.append(("⚑ \(flag)", .warn)) }
        }
        if view.parseError != nil {
            lines.append(("patch does not parse", .error))
        } else if view.hunkCount > 0 {
            let kept = view.includedHunks.count
            lines.append(
                ("hunks \(kept)/\(view.hunkCount) chosen", kept == view.hunkCount ? .normal : .warn))
        }
        lines.append(("a approve  r reject", .muted))
        lines.append(("c comment  e edit", .muted))
        return lines
    }

    private static func drawDecision(
        _ view: DiffViewState, request: ApprovalRequest?, into canvas: inout Canvas, rect: Rect, theme: Theme
    ) {
        let inner = PaneFrame.draw(&canvas, rect, pane: nil, title: "Decision", focused: false, theme: theme)
        for (i, line) in decisionLines(view, request: request).prefix(inner.height).enumerated() {
            canvas.put(
                line.0, x: inner.x + 1, y: inner.y + i, style: theme[line.1], clip: inner, overflow: .ellipsis
            )
        }
    }

    // MARK: The patch

    private static func drawBody(
        _ view: DiffViewState, request: ApprovalRequest?, comments: [Int: LineComment],
        into canvas: inout Canvas, rect: Rect, theme: Theme,
        sideBySide: Bool
    ) -> Int {
        var note = ""
        if view.hunkCount > 0 {
            note = "hunk \(view.currentHunk + 1)/\(view.hunkCount)"
            if !view.excludedHunks.isEmpty { note += " · \(view.excludedHunks.count) excluded" }
        }
        let title = "\(view.jobID.short) \(request?.title ?? "")"
        let inner = PaneFrame.draw(
            &canvas, rect, pane: nil, title: title, focused: true, theme: theme, note: note)
        guard inner.height > 0, inner.width > 2 else { return max(1, inner.height) }
        var y = inner.y
        var shown = 0
        if sideBySide && !view.sideRows.isEmpty {
            let half = (inner.width - 1) / 2
            var index = view.sideIndex(forRow: view.top)
            while y < inner.maxY, index < view.sideRows.count {
                let side = view.sideRows[index]
                let room = inner.maxY - y
                var used = 1
                if let full = side.full {
                    drawFullRow(view, full, into: &canvas, row: inner.row(y - inner.y), theme: theme)
                } else {
                    let cells = [
                        (
                            side.left, side.left.map { view.rows[$0].oldNumber },
                            Rect(x: inner.x, y: y, width: half, height: room)
                        ),
                        (
                            side.right, side.right.map { view.rows[$0].newNumber },
                            Rect(x: inner.x + half + 1, y: y, width: inner.width - half - 1, height: room)
                        ),
                    ]
                    for case (let row?, let number?, let rect) in cells {
                        used = max(
                            used, drawLine(view, row, number: number, into: &canvas, rect: rect, theme: theme)
                        )
                    }
                    for line in 0..<used where y + line < inner.maxY {
                        canvas.setCell(Cell("│", style: theme[.border]), x: inner.x + half, y: y + line)
                    }
                }
                y += used
                for row in Set([side.full, side.left, side.right].compactMap { $0 }).sorted() {
                    if let comment = comments[row], y < inner.maxY {
                        drawComment(comment, into: &canvas, row: inner.row(y - inner.y), theme: theme)
                        y += 1
                    }
                }
                if y <= inner.maxY { shown += 1 }
                index += 1
            }
        } else {
            let numbers = inner.width >= 60
            var index = view.top
            while y < inner.maxY, index < view.rows.count {
                let rect = Rect(x: inner.x, y: y, width: inner.width, height: inner.maxY - y)
                if case .line = view.rows[index].kind {
                    let number: Int?? = numbers ? .some(nil) : nil
                    y += drawLine(view, index, number: number, into: &canvas, rect: rect, theme: theme)
                } else {
                    drawFullRow(view, index, into: &canvas, row: inner.row(y - inner.y), theme: theme)
                    y += 1
                }
                if let comment = comments[index], y < inner.maxY {
                    drawComment(comment, into: &canvas, row: inner.row(y - inner.y), theme: theme)
                    y += 1
                }
                if y <= inner.maxY { shown += 1 }
                index += 1
            }
        }
        return max(1, min(inner.height, shown))
    }

    /// One patch line: its number gutter (the cursor's and a marked range's highlighted), the
    /// `+`/`-` marker, and the painted text. `number` is the side-by-side column's number; in the
    /// unified layout `.some(nil)` asks for both numbers and `nil` for none (narrow panes).
    /// Returns the screen lines used.
    private static func drawLine(
        _ view: DiffViewState, _ index: Int, number: Int??, into canvas: inout Canvas, rect: Rect,
        theme: Theme
    ) -> Int {
        let line = view.rows[index]
        guard case .line(let kind) = line.kind, rect.height > 0 else { return 1 }
        let excluded = view.excludedHunks.contains(line.hunk)
        let role = lineRole(kind, excluded: excluded)
        let base = theme[role]
        let clip = rect
        var gutter = ""
        switch number {
        case .some(.some(let n)): gutter = Format.right(String(n), 5) + " "
        case .some(.none) where rect.width >= 60:
            gutter =
                Format.right(line.oldNumber.map { String($0) } ?? "", 5) + " "
                + Format.right(line.newNumber.map { String($0) } ?? "", 5) + " "
        case .some(.none): gutter = Format.right("", 5) + " "
        case .none: gutter = ""
        }
        let marked =
            view.rangeAnchor.map { min($0, view.cursor)...max($0, view.cursor) }?.contains(index) ?? false
        let gutterRole: ThemeRole = index == view.cursor ? .selection : marked ? .accent : .muted
        var x = rect.x
        if gutter.isEmpty, index == view.cursor {
            x = DiffLinePainter.putASCII(
                prefix(kind), x: x, y: rect.y, style: theme[.selection], clip: clip, into: &canvas)
        } else {
            x = DiffLinePainter.putASCII(
                gutter, x: x, y: rect.y, style: theme[gutterRole], clip: clip, into: &canvas)
            x = DiffLinePainter.putASCII(
                prefix(kind), x: x, y: rect.y, style: base, clip: clip, into: &canvas)
        }
        // A pathological line (a minified megabyte) is lexed only as far as the screen can show.
        let limit = DiffLinePainter.byteLimit(
            leftColumn: view.leftColumn, width: rect.width, lines: view.wraps ? rect.height : 1)
        let bytes = Array(line.text.utf8.prefix(limit))
        let runs = DiffLinePainter.runs(
            view, index, bytes: bytes, limit: limit, base: base, excluded: excluded, theme: theme)
        let area = DiffLinePainter.Area(
            x: x, y: rect.y, width: rect.maxX - x, maxLines: view.wraps ? rect.height : 1, clip: clip)
        return DiffLinePainter.draw(
            line.text, bytes: bytes, runs: runs, base: base, leftColumn: view.leftColumn, wraps: view.wraps,
            into: &canvas,
            area: area, marker: theme[.accent])
    }

    /// An operator's comment, shown under the line it is about.
    private static func drawComment(
        _ comment: LineComment, into canvas: inout Canvas, row: Rect, theme: Theme
    ) {
        let x = canvas.put("      ✎ ", x: row.x, y: row.y, style: theme[.accent], clip: row)
        canvas.put(comment.comment, x: x, y: row.y, style: theme[.warn], clip: row, overflow: .ellipsis)
    }

    private static func drawFullRow(
        _ view: DiffViewState, _ index: Int, into canvas: inout Canvas, row: Rect, theme: Theme
    ) {
        let line = view.rows[index]
        switch line.kind {
        case .fileHeader:
            canvas.put(
                "▌" + line.text, x: row.x, y: row.y, style: theme[.title], clip: row, overflow: .ellipsis)
        case .hunkHeader(let hunk):
            let excluded = view.excludedHunks.contains(hunk)
            let x = canvas.put(
                line.text, x: row.x, y: row.y, style: theme[excluded ? .muted : .hunkHeader], clip: row)
            if excluded { canvas.put("  ✗ excluded", x: x, y: row.y, style: theme[.warn], clip: row) }
            if hunk == view.currentHunk {
                canvas.restyle(Rect(x: row.x, y: row.y, width: min(row.width, max(1, x - row.x)), height: 1))
                { _ in
                    theme[.selection]
                }
            }
        case .note:
            canvas.put(
                line.text, x: row.x + 1, y: row.y, style: theme[.muted], clip: row, overflow: .ellipsis)
        case .parseError:
            canvas.put(line.text, x: row.x, y: row.y, style: theme[.error], clip: row, overflow: .ellipsis)
        case .raw:
            canvas.put(line.text, x: row.x, y: row.y, style: theme[.normal], clip: row)
        case .line:
            break
        }
    }

    static func prefix(_ kind: DiffLineKind) -> String {
        switch kind {
        case .added: "+"
        case .removed: "-"
        case .context: " "
        case .noNewlineMarker: "\\"
        }
    }

    private static func lineRole(_ kind: DiffLineKind, excluded: Bool) -> ThemeRole {
        if excluded { return .muted }
        switch kind {
        case .added: return .added
        case .removed: return .removed
        case .context: return .normal
        case .noNewlineMarker: return .muted
        }
    }
}
