/// One `@@ -a,b +c,d @@` block and its lines.
///
/// The parser has checked that the lines add up to the header's counts, so code that walks a
/// hunk (viewer, selection, stats) can rely on them without re-validating.
public struct Hunk: Hashable, Sendable {
    public let oldStart: Int
    public let oldCount: Int
    public internal(set) var newStart: Int
    public let newCount: Int
    /// The text after the closing `@@` (git puts the enclosing function there), trimmed.
    public let section: String
    public let lines: [DiffLine]
    /// 1-based line of the `@@` header in the parsed input, for pointing at it in messages.
    public let sourceLine: Int

    /// Whether the header spelled out a count of 1 (`-3,1`) rather than omitting it (`-3`):
    /// kept so a rewritten header looks like the one the tool wrote.
    let oldCountExplicit: Bool
    let newCountExplicit: Bool
    /// Header bytes after the closing `@@`, terminator included.
    let headerTail: [UInt8]
    /// The header exactly as it will be emitted.
    public private(set) var rawHeader: [UInt8]

    init(
        oldStart: Int, oldCount: Int, oldCountExplicit: Bool, newStart: Int, newCount: Int,
        newCountExplicit: Bool, headerTail: [UInt8], rawHeader: [UInt8], lines: [DiffLine], sourceLine: Int
    ) {
        self.oldStart = oldStart
        self.oldCount = oldCount
        self.oldCountExplicit = oldCountExplicit
        self.newStart = newStart
        self.newCount = newCount
        self.newCountExplicit = newCountExplicit
        self.headerTail = headerTail
        self.rawHeader = rawHeader
        self.lines = lines
        self.sourceLine = sourceLine
        var trimmed = headerTail[...]
        while let last = trimmed.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            trimmed = trimmed.dropLast()
        }
        if trimmed.first == UInt8(ascii: " ") { trimmed = trimmed.dropFirst() }
        self.section = String(decoding: trimmed, as: UTF8.self)
    }

    /// The header line for display, without its terminator.
    public var header: String {
        var bytes = rawHeader[...]
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            bytes = bytes.dropLast()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var linesAdded: Int { lines.reduce(0) { $0 + ($1.kind == .added ? 1 : 0) } }
    public var linesRemoved: Int { lines.reduce(0) { $0 + ($1.kind == .removed ? 1 : 0) } }

    /// The same hunk placed at another line of the new file: what dropping earlier hunks of the
    /// same file requires, since their added/removed lines no longer shift this one.
    func movingNewStart(to start: Int) -> Hunk {
        guard start != newStart else { return self }
        var copy = self
        copy.newStart = start
        var header = Array("@@ -\(oldStart)".utf8)
        if oldCount != 1 || oldCountExplicit { header += Array(",\(oldCount)".utf8) }
        header += Array(" +\(start)".utf8)
        if newCount != 1 || newCountExplicit { header += Array(",\(newCount)".utf8) }
        header += Array(" @@".utf8)
        header += headerTail
        copy.rawHeader = header
        return copy
    }

    func render(into output: inout [UInt8]) {
        output += rawHeader
        for line in lines { output += line.raw }
    }
}
