/// One search/replace edit proposed by a model (the aider format).
///
/// Kept as text because that is what the model wrote; applying it works on the file's bytes so
/// files that are not UTF-8 survive untouched outside the replaced region.
public struct EditBlock: Hashable, Sendable {
    /// Repository-relative path as the model wrote it; the path guard decides whether it is usable.
    public var path: String
    /// Exact lines to find, each ending in `\n`; empty means "create the file, or append to it".
    public var search: String
    public var replace: String
    /// 1-based line of the `<<<<<<< SEARCH` marker in the model output, for error messages.
    public var line: Int

    public init(path: String, search: String, replace: String, line: Int = 0) {
        self.path = path
        self.search = search
        self.replace = replace
        self.line = line
    }

    /// The file after this edit; `original` is nil when the file does not exist yet.
    ///
    /// A search text that occurs more than once is refused rather than applied to the first
    /// occurrence: guessing would silently change the wrong place, and the model can always add
    /// a line of context. When the exact text is absent, lines are compared again ignoring
    /// trailing whitespace and CRLF endings, which is the most common way models misquote a file.
    public func apply(to original: [UInt8]?) throws(EditApplyError) -> [UInt8] {
        let searchBytes = Array(search.utf8)
        let replaceBytes = Array(replace.utf8)
        guard !searchBytes.isEmpty else {
            guard var content = original else { return replaceBytes }
            if let last = content.last, last != UInt8(ascii: "\n"), !replaceBytes.isEmpty {
                content.append(UInt8(ascii: "\n"))
            }
            return content + replaceBytes
        }
        guard let content = original else { throw .fileNotFound(path: path, line: line) }
        let exact = EditBlock.occurrences(of: searchBytes, in: content)
        if exact.count > 1 {
            throw .ambiguous(path: path, line: line, count: exact.count)
        }
        if let start = exact.first {
            return Array(content[..<start]) + replaceBytes + Array(content[(start + searchBytes.count)...])
        }
        return try applyLoosely(content: content, searchBytes: searchBytes, replaceBytes: replaceBytes)
    }

    private func applyLoosely(content: [UInt8], searchBytes: [UInt8], replaceBytes: [UInt8])
        throws(EditApplyError) -> [UInt8]
    {
        let fileLines = EditBlock.lines(of: content)
        var wanted = EditBlock.lines(of: searchBytes).map { EditBlock.normalized($0.bytes) }
        while wanted.last?.isEmpty == true { wanted.removeLast() }
        guard !wanted.isEmpty, wanted.count <= fileLines.count else {
            throw .searchNotFound(path: path, line: line)
        }
        var matches: [Int] = []
        for start in 0...(fileLines.count - wanted.count) {
            var equal = true
            for offset in 0..<wanted.count
            where EditBlock.normalized(fileLines[start + offset].bytes) != wanted[offset] {
                equal = false
                break
            }
            if equal { matches.append(start) }
        }
        guard let first = matches.first else { throw .searchNotFound(path: path, line: line) }
        guard matches.count == 1 else { throw .ambiguous(path: path, line: line, count: matches.count) }
        let lower = fileLines[first].range.lowerBound
        let upper = fileLines[first + wanted.count - 1].range.upperBound
        var replacement = replaceBytes
        // Keep the file's CRLF convention when the replacement came in with bare LFs.
        if fileLines[first].range.upperBound >= 2,
            content[fileLines[first].range.upperBound - 2] == UInt8(ascii: "\r")
        {
            replacement = EditBlock.crlf(replacement)
        }
        // The last line matched may lack a newline (end of file); do not invent one.
        if content[upper - 1] != UInt8(ascii: "\n"), replacement.last == UInt8(ascii: "\n") {
            replacement.removeLast()
            if replacement.last == UInt8(ascii: "\r") { replacement.removeLast() }
        }
        return Array(content[..<lower]) + replacement + Array(content[upper...])
    }

    private static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var found: [Int] = []
        var index = 0
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                found.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }

    private static func lines(of bytes: [UInt8]) -> [(bytes: ArraySlice<UInt8>, range: Range<Int>)] {
        var result: [(ArraySlice<UInt8>, Range<Int>)] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            result.append((bytes[start..<index], start..<(index + 1)))
            start = index + 1
        }
        if start < bytes.count { result.append((bytes[start...], start..<bytes.count)) }
        return result
    }

    private static func normalized(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = line
        while let last = slice.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") || last == 13 {
            slice = slice.dropLast()
        }
        return slice
    }

    private static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 16)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") {
                result.append(UInt8(ascii: "\r"))
            }
            result.append(byte)
            previous = byte
        }
        return result
    }
}

/// Why an edit block could not be applied; each names the file and the block's line so the
/// message can go back to the model (or an operator) as-is.
public enum EditApplyError: Error, Hashable, Sendable, CustomStringConvertible {
    case fileNotFound(path: String, line: Int)
    case searchNotFound(path: String, line: Int)
    case ambiguous(path: String, line: Int, count: Int)

    public var description: String {
        switch self {
        case .fileNotFound(let path, let line):
            "line \(line): \(path) does not exist; use an empty SEARCH section to create it"
        case .searchNotFound(let path, let line):
            "line \(line): the SEARCH text was not found in \(path); copy the lines exactly as the file has them"
        case .ambiguous(let path, let line, let count):
            "line \(line): the SEARCH text occurs \(count) times in \(path); add surrounding lines so it is unique"
        }
    }
}
