/// The state machine behind `UnifiedDiff(parsing:)`.
///
/// It walks the input once, line by line, never backs up more than one line and never loops
/// without consuming one, so it is linear in the input and cannot hang; every way out of a
/// state that is not a known line is a `DiffParseError`. Header keywords are matched on bytes,
/// because names and content may not be UTF-8.
struct UnifiedDiffParser {
    private let bytes: [UInt8]
    /// Each line's byte range, terminator included.
    private let lines: [Range<Int>]
    private var index = 0

    /// Bigger line numbers than any real file has; capping them keeps the arithmetic in
    /// `selecting` far from overflow.
    static let maximumLineNumber = 1 << 40

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var lines: [Range<Int>] = []
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(start..<(offset + 1))
            start = offset + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        self.lines = lines
    }

    mutating func parse(allowingPreamble: Bool) throws(DiffParseError) -> UnifiedDiff {
        while index < lines.count, !isFileStart(index) {
            let text = content(index)
            if text.starts(with: Keyword.hunk) {
                throw error(
                    index,
                    "found a hunk header before any file header; expected 'diff --git' or '--- '/'+++ ' lines first"
                )
            }
            if text.starts(with: Keyword.combined) || text.starts(with: Keyword.combinedLong) {
                throw error(index, "combined diffs (of merges) are not supported; expected a two-sided diff")
            }
            guard allowingPreamble else {
                throw error(index, "expected a file header ('diff --git …' or '--- '/'+++ ')")
            }
            index += 1
        }
        let preamble = Array(bytes[0..<(index < lines.count ? lines[index].lowerBound : bytes.count)])
        var files: [FileDiff] = []
        while index < lines.count {
            files.append(try parseFile())
        }
        return UnifiedDiff(preamble: preamble, files: files)
    }

    // MARK: - Files

    private enum HeaderPath: Equatable {
        case devNull
        case path([UInt8])
    }

    private mutating func parseFile() throws(DiffParseError) -> FileDiff {
        let start = index
        var hasGitHeader = false
        var gitNames: (old: [UInt8], new: [UInt8])?
        var minus: HeaderPath?
        var plus: HeaderPath?
        var minusLine = 0
        var renameFrom: [UInt8]?
        var renameTo: [UInt8]?
        var copyFrom: [UInt8]?
        var copyTo: [UInt8]?
        var similarity: Int?
        var oldMode: String?
        var newMode: String?
        var indexMode: String?
        var newFileMode: String?
        var deletedFileMode: String?
        var binary: BinaryMarker?
        var sawExtendedHeader = false

        let first = content(index)
        if first.starts(with: Keyword.combined) || first.starts(with: Keyword.combinedLong) {
            throw error(index, "combined diffs (of merges) are not supported; expected a two-sided diff")
        } else if first.starts(with: Keyword.gitDiff) {
            hasGitHeader = true
            gitNames = try gitHeaderNames(first.dropFirst(Keyword.gitDiff.count), line: index)
            index += 1
        } else if first.starts(with: Keyword.diff) {
            // The command line `diff -ruN` prints before each file; it names nothing we need.
            index += 1
        }

        headerLoop: while index < lines.count {
            let text = content(index)
            if hasGitHeader, let keyword = Keyword.extended.first(where: { text.starts(with: $0) }) {
                let rest = text.dropFirst(keyword.count)
                switch keyword {
                case Keyword.oldMode: oldMode = try mode(rest, line: index)
                case Keyword.newMode: newMode = try mode(rest, line: index)
                case Keyword.deletedFileMode: deletedFileMode = try mode(rest, line: index)
                case Keyword.newFileMode: newFileMode = try mode(rest, line: index)
                case Keyword.renameFrom, Keyword.renameOld: renameFrom = try headerName(rest, line: index)
                case Keyword.renameTo, Keyword.renameNew: renameTo = try headerName(rest, line: index)
                case Keyword.copyFrom: copyFrom = try headerName(rest, line: index)
                case Keyword.copyTo: copyTo = try headerName(rest, line: index)
                case Keyword.similarity: similarity = try percentage(rest, line: index)
                case Keyword.dissimilarity: _ = try percentage(rest, line: index)
                default: indexMode = try indexLineMode(rest, line: index)
                }
                sawExtendedHeader = true
                index += 1
            } else if text.starts(with: Keyword.binaryFiles) {
                guard text.hasSuffix(Keyword.differ) else {
                    throw error(index, "expected 'Binary files … and … differ'")
                }
                binary = .filesDiffer
                index += 1
                break headerLoop
            } else if hasGitHeader, text.elementsEqual(Keyword.gitBinaryPatch) {
                try skipBinaryPatch()
                binary = .gitBinaryPatch
                break headerLoop
            } else if text.starts(with: Keyword.minus) {
                minusLine = index
                minus = try headerPath(text.dropFirst(Keyword.minus.count), line: index)
                index += 1
                guard index < lines.count, content(index).starts(with: Keyword.plus) else {
                    throw error(index, "expected a '+++ ' line after the '--- ' line")
                }
                plus = try headerPath(content(index).dropFirst(Keyword.plus.count), line: index)
                index += 1
                break headerLoop
            } else if text.starts(with: Keyword.hunk) {
                throw error(index, "expected '--- ' and '+++ ' lines before the first hunk")
            } else {
                break headerLoop
            }
        }
        let headerEnd = index

        var hunks: [Hunk] = []
        if plus != nil {
            guard index < lines.count, content(index).starts(with: Keyword.hunk) else {
                throw error(index, "expected a hunk header ('@@ -l,s +l,s @@') after the '+++ ' line")
            }
            while index < lines.count, content(index).starts(with: Keyword.hunk) {
                hunks.append(try parseHunk())
            }
        } else if binary == nil, !sawExtendedHeader {
            throw error(
                index,
                hasGitHeader
                    ? "expected an extended header line, '--- ', 'Binary files' or 'GIT binary patch' after 'diff --git'"
                    : "expected '--- ' and '+++ ' lines after the 'diff' line")
        }

        if index < lines.count, !isFileStart(index) {
            let text = content(index)
            if text.starts(with: Keyword.noNewline) {
                throw error(index, "'\\ No newline at end of file' must follow a hunk line")
            }
            let expected =
                !hunks.isEmpty
                ? "expected a hunk line, the next hunk header ('@@'), the next file ('diff --git') or the end of the diff (hunk header counts may be wrong)"
                : "expected the next file ('diff --git') or the end of the diff"
            throw error(index, expected)
        }

        // Names: git's own headers first, then ---/+++, then the `diff --git` line itself.
        let strip = hasGitHeader || prefixesPresent(minus: minus, plus: plus)
        let gitOld = renameFrom ?? copyFrom ?? gitNames.map { stripping(Keyword.oldPrefix, from: $0.old) }
        let gitNew = renameTo ?? copyTo ?? gitNames.map { stripping(Keyword.newPrefix, from: $0.new) }
        var oldName = gitOld
        var newName = gitNew
        if case .path(let name) = minus {
            let name = strip ? stripping(Keyword.oldPrefix, from: name) : name
            if let gitOld, gitOld != name {
                throw error(
                    minusLine,
                    "the '--- ' line names \(display(name)) but the file header names \(display(gitOld))")
            }
            oldName = name
        }
        if case .path(let name) = plus {
            let name = strip ? stripping(Keyword.newPrefix, from: name) : name
            if let gitNew, gitNew != name {
                throw error(
                    minusLine + 1,
                    "the '+++ ' line names \(display(name)) but the file header names \(display(gitNew))")
            }
            newName = name
        }
        let added = newFileMode != nil || minus == .devNull
        let deleted = deletedFileMode != nil || plus == .devNull
        if added && deleted {
            throw error(start, "a file cannot be both added and deleted")
        }
        if added { oldName = nil }
        if deleted { newName = nil }
        guard oldName != nil || newName != nil else {
            throw error(
                start,
                "could not tell the file's name: expected 'a/NAME b/NAME', '--- '/'+++ ' or rename/copy lines"
            )
        }

        let change: FileChangeKind
        if added {
            change = .added
        } else if deleted {
            change = .deleted
        } else if renameFrom != nil || renameTo != nil {
            change = .renamed(similarity: similarity)
        } else if copyFrom != nil || copyTo != nil {
            change = .copied(similarity: similarity)
        } else {
            change = .modified
        }

        return FileDiff(
            oldPath: oldName.map { String(decoding: $0, as: UTF8.self) },
            newPath: newName.map { String(decoding: $0, as: UTF8.self) },
            change: change,
            oldMode: added ? nil : (oldMode ?? deletedFileMode ?? indexMode),
            newMode: deleted ? nil : (newMode ?? newFileMode ?? indexMode),
            binary: binary,
            hunks: hunks,
            hasGitHeader: hasGitHeader,
            sourceLine: start + 1,
            rawHeader: Array(bytes[lines[start].lowerBound..<lines[headerEnd - 1].upperBound]))
    }

    /// `GIT binary patch` is followed by one or two `literal N`/`delta N` blocks of base85 lines,
    /// each ended by an empty line. The payload is kept as it is, so only the shape is checked.
    private mutating func skipBinaryPatch() throws(DiffParseError) {
        let patchLine = index
        index += 1
        for block in 0..<2 {
            let isBlockStart =
                index < lines.count
                && (sizeLine(content(index), keyword: Keyword.literal)
                    || sizeLine(content(index), keyword: Keyword.delta))
            guard isBlockStart else {
                if block == 0 {
                    throw error(index, "expected 'literal <size>' or 'delta <size>' after 'GIT binary patch'")
                }
                return
            }
            let blockLine = index
            index += 1
            var dataLines = 0
            while true {
                guard index < lines.count else {
                    throw error(
                        index,
                        "expected an empty line ending the binary patch block of line \(blockLine + 1) (patch at line \(patchLine + 1))"
                    )
                }
                let isEmpty = content(index).isEmpty
                index += 1
                if isEmpty { break }
                dataLines += 1
            }
            if dataLines == 0 {
                throw error(
                    index - 1,
                    "expected base85 data lines after '\(String(decoding: content(blockLine), as: UTF8.self))'"
                )
            }
        }
    }

    private func sizeLine(_ text: ArraySlice<UInt8>, keyword: [UInt8]) -> Bool {
        guard text.starts(with: keyword) else { return false }
        let digits = text.dropFirst(keyword.count)
        return !digits.isEmpty && digits.count <= 20 && digits.allSatisfy(isDigit)
    }

    // MARK: - Hunks

    private mutating func parseHunk() throws(DiffParseError) -> Hunk {
        let headerIndex = index
        let header = try hunkHeader(content(index), line: index)
        let headerRange = lines[index]
        let tailStart = headerRange.lowerBound + header.tailOffset
        let rawHeader = Array(bytes[headerRange])
        let headerTail = Array(bytes[tailStart..<headerRange.upperBound])
        index += 1

        var oldLeft = header.oldCount
        var newLeft = header.newCount
        var hunkLines: [DiffLine] = []
        func counts() -> String {
            "the header at line \(headerIndex + 1) leaves \(oldLeft) old and \(newLeft) new line(s)"
        }
        while oldLeft > 0 || newLeft > 0 {
            guard index < lines.count else {
                throw error(
                    index,
                    "the hunk ended early: expected \(oldLeft) more old and \(newLeft) more new line(s) (hunk at line \(headerIndex + 1))"
                )
            }
            let raw = bytes[lines[index]]
            let kind: DiffLineKind
            switch raw.first {
            case UInt8(ascii: " "):
                guard oldLeft > 0, newLeft > 0 else {
                    throw error(index, "found a context line but \(counts()); the header's counts are wrong")
                }
                oldLeft -= 1
                newLeft -= 1
                kind = .context
            case UInt8(ascii: "-"):
                guard oldLeft > 0 else {
                    throw error(index, "found a removed line but \(counts()); the header's counts are wrong")
                }
                oldLeft -= 1
                kind = .removed
            case UInt8(ascii: "+"):
                guard newLeft > 0 else {
                    throw error(index, "found an added line but \(counts()); the header's counts are wrong")
                }
                newLeft -= 1
                kind = .added
            case UInt8(ascii: "\\"):
                guard let last = hunkLines.last, last.kind != .noNewlineMarker else {
                    throw error(index, "'\\ No newline at end of file' must follow a hunk line")
                }
                kind = .noNewlineMarker
            default:
                // An empty line is a context line whose space was stripped, as `git apply` reads it.
                guard content(index).isEmpty else {
                    throw error(
                        index, "expected a hunk line starting with ' ', '+', '-' or '\\' (\(counts()))")
                }
                guard oldLeft > 0, newLeft > 0 else {
                    throw error(
                        index, "found an empty (context) line but \(counts()); the header's counts are wrong")
                }
                oldLeft -= 1
                newLeft -= 1
                kind = .context
            }
            hunkLines.append(DiffLine(kind: kind, raw: Array(raw)))
            index += 1
        }
        if index < lines.count, bytes[lines[index].lowerBound] == UInt8(ascii: "\\"),
            let last = hunkLines.last, last.kind != .noNewlineMarker
        {
            hunkLines.append(DiffLine(kind: .noNewlineMarker, raw: Array(bytes[lines[index]])))
            index += 1
        }

        return Hunk(
            oldStart: header.oldStart, oldCount: header.oldCount, oldCountExplicit: header.oldCountExplicit,
            newStart: header.newStart, newCount: header.newCount, newCountExplicit: header.newCountExplicit,
            headerTail: headerTail, rawHeader: rawHeader, lines: hunkLines, sourceLine: headerIndex + 1)
    }

    private struct HunkHeader {
        var oldStart = 0
        var oldCount = 1
        var oldCountExplicit = false
        var newStart = 0
        var newCount = 1
        var newCountExplicit = false
        /// Offset in the line just past the closing `@@`.
        var tailOffset = 0
    }

    private func hunkHeader(_ text: ArraySlice<UInt8>, line: Int) throws(DiffParseError) -> HunkHeader {
        let expected = "expected a hunk header like '@@ -12,5 +12,6 @@'"
        if text.starts(with: Keyword.combinedHunk) {
            throw error(line, "combined diffs (of merges) are not supported; \(expected)")
        }
        var cursor = text.startIndex
        func eat(_ literal: [UInt8]) -> Bool {
            guard text[cursor...].starts(with: literal) else { return false }
            cursor += literal.count
            return true
        }
        func number() throws(DiffParseError) -> Int? {
            var value = 0
            let digitsStart = cursor
            while cursor < text.endIndex, isDigit(text[cursor]) {
                value = value * 10 + Int(text[cursor] - UInt8(ascii: "0"))
                guard value <= Self.maximumLineNumber else {
                    throw error(line, "line number or count in the hunk header is too large")
                }
                cursor += 1
            }
            return cursor == digitsStart ? nil : value
        }
        var header = HunkHeader()
        guard eat(Array("@@ -".utf8)), let oldStart = try number() else { throw error(line, expected) }
        header.oldStart = oldStart
        if eat([UInt8(ascii: ",")]) {
            guard let count = try number() else { throw error(line, expected) }
            header.oldCount = count
            header.oldCountExplicit = true
        }
        guard eat(Array(" +".utf8)), let newStart = try number() else { throw error(line, expected) }
        header.newStart = newStart
        if eat([UInt8(ascii: ",")]) {
            guard let count = try number() else { throw error(line, expected) }
            header.newCount = count
            header.newCountExplicit = true
        }
        guard eat(Array(" @@".utf8)) else { throw error(line, expected) }
        header.tailOffset = cursor - text.startIndex
        return header
    }

    // MARK: - Names and header values

    /// Splits `a/NAME b/NAME` the way git does: quoted names are unambiguous; two unquoted names
    /// are only trusted when they are the same after their first component, which makes the split
    /// point the middle of the line. Anything else (a rename) returns nil and relies on the
    /// `rename`/`copy`/`---`/`+++` lines.
    private func gitHeaderNames(
        _ rest: ArraySlice<UInt8>, line: Int
    ) throws(DiffParseError) -> (old: [UInt8], new: [UInt8])? {
        let quote = UInt8(ascii: "\"")
        let space = UInt8(ascii: " ")
        if rest.first == quote {
            let (old, end) = try QuotedPath.unquote(rest, from: rest.startIndex, line: line + 1)
            guard end < rest.endIndex, rest[end] == space, end + 1 < rest.endIndex else {
                throw error(line, "expected a second file name after the quoted one in 'diff --git'")
            }
            let second = rest[(end + 1)...]
            if second.first == quote {
                let (new, newEnd) = try QuotedPath.unquote(second, from: second.startIndex, line: line + 1)
                guard newEnd == second.endIndex else {
                    throw error(line, "unexpected text after the quoted file names in 'diff --git'")
                }
                return (old, new)
            }
            return (old, Array(second))
        }
        if let quoteIndex = rest.firstIndex(of: quote) {
            // An unquoted name never holds a quote, so the first one opens the second name.
            guard quoteIndex > rest.startIndex, rest[quoteIndex - 1] == space else {
                throw error(line, "unexpected '\"' inside an unquoted file name in 'diff --git'")
            }
            let (new, end) = try QuotedPath.unquote(rest, from: quoteIndex, line: line + 1)
            guard end == rest.endIndex else {
                throw error(line, "unexpected text after the quoted file name in 'diff --git'")
            }
            return (Array(rest[rest.startIndex..<(quoteIndex - 1)]), new)
        }
        guard rest.count % 2 == 1 else { return nil }
        let middle = rest.startIndex + rest.count / 2
        guard rest[middle] == space else { return nil }
        let old = rest[rest.startIndex..<middle]
        let new = rest[(middle + 1)...]
        guard afterFirstComponent(old).elementsEqual(afterFirstComponent(new)) else { return nil }
        return (Array(old), Array(new))
    }

    private func afterFirstComponent(_ name: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let slash = name.firstIndex(of: UInt8(ascii: "/")) else { return name }
        return name[(slash + 1)...]
    }

    /// A name on a `rename from`/`copy to`… line: quoted, or the rest of the line.
    private func headerName(_ rest: ArraySlice<UInt8>, line: Int) throws(DiffParseError) -> [UInt8] {
        if rest.first == UInt8(ascii: "\"") {
            let (name, end) = try QuotedPath.unquote(rest, from: rest.startIndex, line: line + 1)
            guard end == rest.endIndex else {
                throw error(line, "unexpected text after the quoted file name")
            }
            return name
        }
        guard !rest.isEmpty else { throw error(line, "expected a file name") }
        return Array(rest)
    }

    /// A name on a `---`/`+++` line: quoted, or up to the first tab (after which `diff -u` puts a
    /// timestamp, and git a lone tab when the name holds spaces).
    private func headerPath(_ rest: ArraySlice<UInt8>, line: Int) throws(DiffParseError) -> HeaderPath {
        let name: [UInt8]
        if rest.first == UInt8(ascii: "\"") {
            let (unquoted, end) = try QuotedPath.unquote(rest, from: rest.startIndex, line: line + 1)
            guard end == rest.endIndex || rest[end] == UInt8(ascii: "\t") else {
                throw error(line, "unexpected text after the quoted file name")
            }
            name = unquoted
        } else {
            name = Array(rest.prefix { $0 != UInt8(ascii: "\t") })
        }
        guard !name.isEmpty else { throw error(line, "expected a file name after '--- ' or '+++ '") }
        return name.elementsEqual(Keyword.devNull) ? .devNull : .path(name)
    }

    /// A plain `diff -u` only gets its `a/`/`b/` stripped when both sides (or the one that is
    /// not /dev/null) carry them; otherwise the names are used as written.
    private func prefixesPresent(minus: HeaderPath?, plus: HeaderPath?) -> Bool {
        func has(_ path: HeaderPath?, _ prefix: [UInt8]) -> Bool? {
            switch path {
            case .path(let name): name.starts(with: prefix)
            case .devNull, nil: nil
            }
        }
        let old = has(minus, Keyword.oldPrefix)
        let new = has(plus, Keyword.newPrefix)
        return old != false && new != false && (old != nil || new != nil)
    }

    private func stripping(_ prefix: [UInt8], from name: [UInt8]) -> [UInt8] {
        name.starts(with: prefix) && name.count > prefix.count ? Array(name.dropFirst(prefix.count)) : name
    }

    private func mode(_ text: ArraySlice<UInt8>, line: Int) throws(DiffParseError) -> String {
        guard (1...7).contains(text.count),
            text.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) })
        else {
            throw error(line, "expected an octal file mode such as 100644")
        }
        return String(decoding: text, as: UTF8.self)
    }

    private func percentage(_ text: ArraySlice<UInt8>, line: Int) throws(DiffParseError) -> Int {
        let digits = text.dropLast()
        guard text.last == UInt8(ascii: "%"), (1...3).contains(digits.count), digits.allSatisfy(isDigit),
            let value = Int(String(decoding: digits, as: UTF8.self)), value <= 100
        else {
            throw error(line, "expected a percentage such as 90%")
        }
        return value
    }

    /// `index abc123..def456 100644`: the hashes are not needed; the mode is the file's mode on
    /// both sides when no `old mode`/`new mode` lines say otherwise.
    private func indexLineMode(_ text: ArraySlice<UInt8>, line: Int) throws(DiffParseError) -> String? {
        let parts = text.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        let hashes = parts.first?.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) ?? []
        let isHash: (ArraySlice<UInt8>) -> Bool = { hash in
            !hash.isEmpty
                && hash.allSatisfy { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        }
        guard parts.count <= 2, hashes.count == 3, hashes[1].isEmpty, isHash(hashes[0]), isHash(hashes[2])
        else {
            throw error(line, "expected 'index <hash>..<hash>' with an optional mode")
        }
        return parts.count == 2 ? try mode(parts[1], line: line) : nil
    }

    // MARK: - Lines

    /// A line without its `\n` and without the `\r` of a CRLF ending, for matching keywords.
    private func content(_ line: Int) -> ArraySlice<UInt8> {
        var slice = bytes[lines[line]]
        if slice.last == UInt8(ascii: "\n") { slice = slice.dropLast() }
        if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
        return slice
    }

    private func isFileStart(_ line: Int) -> Bool {
        let text = content(line)
        if text.starts(with: Keyword.gitDiff) || text.starts(with: Keyword.diffOption) { return true }
        return text.starts(with: Keyword.minus) && line + 1 < lines.count
            && content(line + 1).starts(with: Keyword.plus)
    }

    private func error(_ line: Int, _ message: String) -> DiffParseError {
        DiffParseError(line: line + 1, message: message)
    }

    private func display(_ name: [UInt8]) -> String {
        "'\(String(decoding: name, as: UTF8.self))'"
    }
}

private func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
}

extension ArraySlice where Element == UInt8 {
    fileprivate func hasSuffix(_ suffix: [UInt8]) -> Bool {
        count >= suffix.count && self.suffix(suffix.count).elementsEqual(suffix)
    }
}

/// The byte strings the parser recognizes.
private enum Keyword {
    static let gitDiff = Array("diff --git ".utf8)
    static let combined = Array("diff --cc ".utf8)
    static let combinedLong = Array("diff --combined ".utf8)
    static let diff = Array("diff ".utf8)
    /// `diff -u`, `diff -ruN`: plain diff's per-file command line.
    static let diffOption = Array("diff -".utf8)
    static let oldMode = Array("old mode ".utf8)
    static let newMode = Array("new mode ".utf8)
    static let deletedFileMode = Array("deleted file mode ".utf8)
    static let newFileMode = Array("new file mode ".utf8)
    static let renameFrom = Array("rename from ".utf8)
    static let renameTo = Array("rename to ".utf8)
    static let renameOld = Array("rename old ".utf8)
    static let renameNew = Array("rename new ".utf8)
    static let copyFrom = Array("copy from ".utf8)
    static let copyTo = Array("copy to ".utf8)
    static let similarity = Array("similarity index ".utf8)
    static let dissimilarity = Array("dissimilarity index ".utf8)
    static let index = Array("index ".utf8)
    static let extended = [
        oldMode, newMode, deletedFileMode, newFileMode, renameFrom, renameTo, renameOld, renameNew, copyFrom,
        copyTo, similarity, dissimilarity, index,
    ]
    static let binaryFiles = Array("Binary files ".utf8)
    static let differ = Array(" differ".utf8)
    static let gitBinaryPatch = Array("GIT binary patch".utf8)
    static let literal = Array("literal ".utf8)
    static let delta = Array("delta ".utf8)
    static let minus = Array("--- ".utf8)
    static let plus = Array("+++ ".utf8)
    static let hunk = Array("@@".utf8)
    static let combinedHunk = Array("@@@".utf8)
    static let noNewline = Array("\\".utf8)
    static let devNull = Array("/dev/null".utf8)
    static let oldPrefix = Array("a/".utf8)
    static let newPrefix = Array("b/".utf8)
}
