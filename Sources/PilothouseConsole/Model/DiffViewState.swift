import Foundation
import PilothouseCore

/// An approval's patch opened in the diff viewer: parsed once, flattened into display rows, plus
/// the operator's scroll position and hunk choices.
///
/// Flattening happens when the diff is opened, not per frame, so a 50,000-line patch costs one
/// parse and every frame only touches the rows on screen.
public struct DiffViewState: Hashable, Sendable {
    public struct Row: Hashable, Sendable {
        public enum Kind: Hashable, Sendable {
            case fileHeader(file: Int)
            case hunkHeader(hunk: Int)
            case line(DiffLineKind)
            /// Binary files, mode-only changes: something to say where no lines are.
            case note
            case parseError
            /// A line of a diff that did not parse, shown as it is.
            case raw
        }
        public var kind: Kind
        public var text: String
        public var oldNumber: Int?
        public var newNumber: Int?
        /// The flat hunk this row belongs to (for a file header, the file's first hunk); -1 if none.
        public var hunk: Int
    }

    /// One row of the side-by-side layout: a full-width row, or a removed/added (or context) pair,
    /// given as indices into `rows`.
    public struct SideRow: Hashable, Sendable {
        public var full: Int?
        public var left: Int?
        public var right: Int?
        /// The first unified row this side row shows, for keeping one scroll position for both layouts.
        public var first: Int
    }

    public struct FileEntry: Hashable, Sendable {
        public var path: String
        public var added: Int
        public var removed: Int
        public var label: String
        public var firstHunk: Int?
        public var row: Int
    }

    public let jobID: JobID
    public let diffBytes: Data
    public let parseError: DiffParseError?
    public let files: [FileEntry]
    public let rows: [Row]
    /// Row index of each hunk's header, in diff order (the order `.approveHunks` indices use).
    public let hunkRows: [Int]
    public let hunkFiles: [Int]
    public let sideRows: [SideRow]

    /// First visible unified row.
    public var top: Int = 0
    public var currentHunk: Int = 0
    public var excludedHunks: Set<Int> = []
    /// The row the operator points at (`c` comments on it), and where a marked range began.
    public var cursor: Int = 0
    public var rangeAnchor: Int?
    /// Columns scrolled off the left edge (`h`/`l`), and whether long lines wrap (`w`) instead.
    public var leftColumn: Int = 0
    public var wraps = false
    /// For each removed or added row, the row it is paired with for word emphasis; -1 if none.
    public let partners: [Int32]
    /// Each file's language for syntax colours, by `files` index; nil for unknown kinds.
    public let languages: [SyntaxLanguage?]

    /// Raw lines shown for an unparsable diff are capped: garbage can be arbitrarily long.
    static let rawLineLimit = 5000

    public init(jobID: JobID, diff: Data) {
        self.jobID = jobID
        self.diffBytes = diff
        var rows: [Row] = []
        var files: [FileEntry] = []
        var hunkRows: [Int] = []
        var hunkFiles: [Int] = []
        var parseError: DiffParseError?
        do {
            let parsed = try UnifiedDiff(parsing: diff)
            for (fileIndex, file) in parsed.files.enumerated() {
                let firstHunk = file.hunks.isEmpty ? nil : hunkRows.count
                let label = Self.label(file)
                files.append(
                    FileEntry(
                        path: file.path, added: file.linesAdded, removed: file.linesRemoved, label: label,
                        firstHunk: firstHunk, row: rows.count))
                let title = label.isEmpty ? file.path : "\(file.path) (\(label))"
                rows.append(Row(kind: .fileHeader(file: fileIndex), text: title, hunk: firstHunk ?? -1))
                if file.isBinary {
                    rows.append(Row(kind: .note, text: "binary file, not shown", hunk: -1))
                } else if file.hunks.isEmpty {
                    rows.append(Row(kind: .note, text: "no content change", hunk: -1))
                }
                for hunk in file.hunks {
                    let hunkIndex = hunkRows.count
                    hunkRows.append(rows.count)
                    hunkFiles.append(fileIndex)
                    rows.append(Row(kind: .hunkHeader(hunk: hunkIndex), text: hunk.header, hunk: hunkIndex))
                    var old = hunk.oldStart
                    var new = hunk.newStart
                    for line in hunk.lines {
                        var row = Row(kind: .line(line.kind), text: line.text, hunk: hunkIndex)
                        switch line.kind {
                        case .context:
                            row.oldNumber = old
                            row.newNumber = new
                            old += 1
                            new += 1
                        case .removed:
                            row.oldNumber = old
                            old += 1
                        case .added:
                            row.newNumber = new
                            new += 1
                        case .noNewlineMarker:
                            break
                        }
                        rows.append(row)
                    }
                }
            }
            if parsed.files.isEmpty { rows.append(Row(kind: .note, text: "empty patch", hunk: -1)) }
        } catch {
            parseError = error
            rows.append(Row(kind: .parseError, text: "cannot parse this patch: \(error)", hunk: -1))
            var count = 0
            for line in diff.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                if count == Self.rawLineLimit {
                    rows.append(Row(kind: .note, text: "… (truncated)", hunk: -1))
                    break
                }
                rows.append(Row(kind: .raw, text: String(decoding: line, as: UTF8.self), hunk: -1))
                count += 1
            }
        }
        self.rows = rows
        self.files = files
        self.hunkRows = hunkRows
        self.hunkFiles = hunkFiles
        self.parseError = parseError
        self.sideRows = Self.pair(rows)
        self.partners = Self.partners(rows)
        self.languages = files.map { SyntaxLanguage.forPath($0.path) }
        self.cursor = rows.firstIndex { if case .line = $0.kind { true } else { false } } ?? 0
    }

    public var hunkCount: Int { hunkRows.count }

    /// The hunks `a` approves, in diff order.
    public var includedHunks: [Int] { (0..<hunkCount).filter { !excludedHunks.contains($0) } }

    public var fileOfCurrentHunk: Int? {
        hunkFiles.indices.contains(currentHunk) ? hunkFiles[currentHunk] : nil
    }

    /// The side-by-side row that shows unified row `row`.
    public func sideIndex(forRow row: Int) -> Int {
        var low = 0
        var high = sideRows.count - 1
        var best = 0
        while low <= high {
            let mid = (low + high) / 2
            if sideRows[mid].first <= row {
                best = mid
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        return best
    }

    // MARK: Moving

    /// Scrolls by `delta` rows of the layout in use (side-by-side rows pair several unified rows).
    public mutating func scroll(by delta: Int, sideBySide: Bool) {
        guard !rows.isEmpty else { return }
        if sideBySide && !sideRows.isEmpty {
            let index = min(max(0, sideIndex(forRow: top) + delta), sideRows.count - 1)
            top = sideRows[index].first
        } else {
            top = min(max(0, top + delta), rows.count - 1)
        }
        syncHunkToTop()
    }

    public mutating func scrollToEnd(height: Int, sideBySide: Bool) {
        guard !rows.isEmpty else { return }
        if sideBySide && !sideRows.isEmpty {
            top = sideRows[max(0, sideRows.count - max(1, height))].first
        } else {
            top = max(0, rows.count - max(1, height))
        }
        syncHunkToTop()
    }

    public mutating func jumpToHunk(_ index: Int) {
        guard !hunkRows.isEmpty else { return }
        currentHunk = min(max(0, index), hunkRows.count - 1)
        top = hunkRows[currentHunk]
        // A file's first hunk scrolls so its file header shows too.
        if top > 0, case .fileHeader = rows[top - 1].kind { top -= 1 }
    }

    public mutating func toggleCurrentHunk() -> Bool? {
        guard hunkRows.indices.contains(currentHunk) else { return nil }
        if excludedHunks.remove(currentHunk) == nil {
            excludedHunks.insert(currentHunk)
            return false
        }
        return true
    }

    private mutating func syncHunkToTop() {
        guard rows.indices.contains(top) else { return }
        let hunk = rows[top].hunk
        if hunk >= 0 {
            currentHunk = hunk
            return
        }
        // A note or a row before any hunk: the next hunk below, if any.
        if let next = hunkRows.firstIndex(where: { $0 > top }) { currentHunk = next }
    }

    // MARK: Building

    private static func label(_ file: FileDiff) -> String {
        switch file.change {
        case .added: "new"
        case .deleted: "deleted"
        case .modified: file.isBinary ? "binary" : ""
        case .renamed: "renamed from \(file.oldPath ?? "?")"
        case .copied: "copied from \(file.oldPath ?? "?")"
        }
    }

    /// The i-th removed line of a run and the i-th added line after it are partners: the pair
    /// word emphasis compares.
    private static func partners(_ rows: [Row]) -> [Int32] {
        var partners = [Int32](repeating: -1, count: rows.count)
        var index = 0
        while index < rows.count {
            guard case .line(.removed) = rows[index].kind else {
                index += 1
                continue
            }
            let removedStart = index
            while index < rows.count, case .line(.removed) = rows[index].kind { index += 1 }
            let addedStart = index
            while index < rows.count, case .line(.added) = rows[index].kind { index += 1 }
            for i in 0..<min(addedStart - removedStart, index - addedStart) {
                partners[removedStart + i] = Int32(addedStart + i)
                partners[addedStart + i] = Int32(removedStart + i)
            }
        }
        return partners
    }

    /// Pairs each run of removed lines with the run of added lines after it, so a changed line
    /// sits next to its replacement.
    private static func pair(_ rows: [Row]) -> [SideRow] {
        var result: [SideRow] = []
        result.reserveCapacity(rows.count)
        var index = 0
        while index < rows.count {
            switch rows[index].kind {
            case .line(.removed), .line(.added):
                var removed: [Int] = []
                var added: [Int] = []
                while index < rows.count, case .line(.removed) = rows[index].kind {
                    removed.append(index)
                    index += 1
                }
                while index < rows.count, case .line(.added) = rows[index].kind {
                    added.append(index)
                    index += 1
                }
                for i in 0..<max(removed.count, added.count) {
                    let left = i < removed.count ? removed[i] : nil
                    let right = i < added.count ? added[i] : nil
                    result.append(
                        SideRow(full: nil, left: left, right: right, first: min(left ?? .max, right ?? .max)))
                }
            case .line(.context):
                result.append(SideRow(full: nil, left: index, right: index, first: index))
                index += 1
            default:
                result.append(SideRow(full: index, left: nil, right: nil, first: index))
                index += 1
            }
        }
        return result
    }
}
