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
        return drawBody(
            view, request: request, into: &canvas, rect: columns[1], theme: theme, sideBySide: sideBySide)
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
            x = canvas.put("+\(file.added)", x: x, y: row.y, style: theme[.added], clip: row) + 1
            x = canvas.put("-\(file.removed)", x: x, y: row.y, style: theme[.removed], clip: row) + 1
            canvas.put(
                tail(file.path, width: row.maxX - x), x: x, y: row.y,
                style: theme[index == current ? .title : .normal],
                clip: row)
        }
    }

    /// A path cut from the left (`…/Sources/Foo.swift`): the file name is the part that tells.
    static func tail(_ path: String, width: Int) -> String {
        guard width > 0 else { return "" }
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
        _ view: DiffViewState, request: ApprovalRequest?, into canvas: inout Canvas, rect: Rect, theme: Theme,
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
        if sideBySide && !view.sideRows.isEmpty {
            let start = view.sideIndex(forRow: view.top)
            let half = (inner.width - 1) / 2
            let leftArea = Rect(x: inner.x, y: inner.y, width: half, height: inner.height)
            let rightArea = Rect(
                x: inner.x + half + 1, y: inner.y, width: inner.width - half - 1, height: inner.height)
            for i in 0..<min(inner.height, view.sideRows.count - start) {
                let side = view.sideRows[start + i]
                let y = inner.y + i
                if let full = side.full {
                    drawFullRow(view, full, into: &canvas, row: inner.row(i), theme: theme)
                    continue
                }
                canvas.put("│", x: inner.x + half, y: y, style: theme[.border])
                if let left = side.left {
                    drawSideCell(
                        view, left, number: view.rows[left].oldNumber, into: &canvas, row: leftArea.row(i),
                        theme: theme)
                }
                if let right = side.right {
                    drawSideCell(
                        view, right, number: view.rows[right].newNumber, into: &canvas, row: rightArea.row(i),
                        theme: theme)
                }
            }
        } else {
            let numbers = inner.width >= 60
            for i in 0..<max(0, min(inner.height, view.rows.count - view.top)) {
                let index = view.top + i
                let row = inner.row(i)
                guard case .line(let kind) = view.rows[index].kind else {
                    drawFullRow(view, index, into: &canvas, row: row, theme: theme)
                    continue
                }
                let line = view.rows[index]
                let role = lineRole(kind, excluded: view.excludedHunks.contains(line.hunk))
                var x = row.x
                if numbers {
                    let old = line.oldNumber.map { String($0) } ?? ""
                    let new = line.newNumber.map { String($0) } ?? ""
                    x = canvas.put(
                        Format.right(old, 5) + " " + Format.right(new, 5) + " ", x: x, y: row.y,
                        style: theme[.muted], clip: row)
                }
                canvas.put(prefix(kind) + line.text, x: x, y: row.y, style: theme[role], clip: row)
            }
        }
        return inner.height
    }

    private static func drawSideCell(
        _ view: DiffViewState, _ index: Int, number: Int?, into canvas: inout Canvas, row: Rect, theme: Theme
    ) {
        let line = view.rows[index]
        guard case .line(let kind) = line.kind else { return }
        let role = lineRole(kind, excluded: view.excludedHunks.contains(line.hunk))
        let x = canvas.put(
            Format.right(number.map { String($0) } ?? "", 5) + " ", x: row.x, y: row.y, style: theme[.muted],
            clip: row)
        canvas.put(prefix(kind) + line.text, x: x, y: row.y, style: theme[role], clip: row)
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

    private static func prefix(_ kind: DiffLineKind) -> String {
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
