import PilothouseCore

/// The line cursor, horizontal scroll and wrap of the diff viewer, and what a comment on the
/// cursor's line (or marked range) is about.
extension DiffViewState {
    /// The file a row belongs to, by `files` index.
    public func file(ofRow row: Int) -> Int? {
        guard rows.indices.contains(row) else { return nil }
        if case .fileHeader(let file) = rows[row].kind { return file }
        let hunk = rows[row].hunk
        return hunkFiles.indices.contains(hunk) ? hunkFiles[hunk] : nil
    }

    public func language(ofRow row: Int) -> SyntaxLanguage? {
        file(ofRow: row).flatMap { languages.indices.contains($0) ? languages[$0] : nil }
    }

    /// The last row on screen when the viewer shows `height` rows from `top`.
    func lastVisibleRow(height: Int, sideBySide: Bool) -> Int {
        if sideBySide && !sideRows.isEmpty {
            let last = min(sideRows.count - 1, sideIndex(forRow: top) + max(1, height) - 1)
            let side = sideRows[last]
            return max(side.full ?? -1, side.left ?? -1, side.right ?? -1, side.first)
        }
        return min(rows.count - 1, top + max(1, height) - 1)
    }

    /// Moves the cursor by `delta` rows and scrolls just enough to keep it on screen.
    public mutating func moveCursor(by delta: Int, height: Int, sideBySide: Bool) {
        guard !rows.isEmpty else { return }
        cursor = min(max(0, cursor + delta), rows.count - 1)
        if cursor < top {
            top = sideBySide && !sideRows.isEmpty ? sideRows[sideIndex(forRow: cursor)].first : cursor
        }
        while cursor > lastVisibleRow(height: height, sideBySide: sideBySide), top < rows.count - 1 {
            scroll(by: 1, sideBySide: sideBySide)
        }
        scroll(by: 0, sideBySide: sideBySide)  // keeps the current hunk in step with the view
    }

    /// After a page or hunk jump the cursor stays on screen.
    public mutating func keepCursorVisible(height: Int, sideBySide: Bool) {
        let last = lastVisibleRow(height: height, sideBySide: sideBySide)
        if cursor < top || cursor > last { cursor = top }
        if case .hunkHeader = rows.indices.contains(cursor) ? rows[cursor].kind : .note,
            cursor + 1 <= last
        {
            cursor += 1
        }
    }

    /// The rows a comment written now is about: the marked range (anchor to cursor) or the
    /// cursor's row; nil when that is not a line of one file's hunk.
    public var commentRows: ClosedRange<Int>? {
        let anchor = rangeAnchor ?? cursor
        let range = min(anchor, cursor)...max(anchor, cursor)
        guard rows.indices.contains(range.lowerBound), rows.indices.contains(range.upperBound),
            let file = file(ofRow: range.lowerBound), file == self.file(ofRow: range.upperBound)
        else { return nil }
        guard case .line = rows[range.lowerBound].kind, case .line = rows[range.upperBound].kind else {
            return nil
        }
        return range
    }

    /// A comment on `range` as the model will read it: file, line numbers, the lines' text.
    public func lineComment(on range: ClosedRange<Int>, text comment: String) -> LineComment? {
        guard let file = file(ofRow: range.lowerBound) else { return nil }
        let lines = range.filter { if case .line = rows[$0].kind { true } else { false } }
        guard let first = lines.first, let last = lines.last else { return nil }
        func number(_ row: Int) -> Int { rows[row].newNumber ?? rows[row].oldNumber ?? 0 }
        let text = lines.map { row -> String in
            guard case .line(let kind) = rows[row].kind else { return "" }
            return DiffView.prefix(kind) + rows[row].text
        }
        return LineComment(
            file: files[file].path, line: number(first), endLine: max(number(first), number(last)),
            text: text.joined(separator: "\n"), comment: comment)
    }

    /// Scrolls sideways by `delta` columns; never before the first column.
    public mutating func scrollColumns(by delta: Int) {
        leftColumn = max(0, leftColumn + delta)
    }
}
