/// One line of a hunk.
///
/// Diffs may carry bytes that are not UTF-8 (Latin-1 sources, binary-ish text), so the line
/// keeps its exact bytes for re-emitting a patch that `git apply` accepts, and a lossy decoding
/// that is only ever meant for showing on screen.
public struct DiffLine: Hashable, Sendable {
    public let kind: DiffLineKind
    /// For display: the line without its `+`/`-`/` `/`\` prefix and without `\n` or `\r\n`;
    /// invalid UTF-8 shows as U+FFFD.
    public let text: String
    /// Exactly as in the input, prefix and line terminator included.
    public let raw: [UInt8]

    init(kind: DiffLineKind, raw: [UInt8]) {
        self.kind = kind
        self.raw = raw
        var display = DiffLine.content(of: raw, kind: kind)
        if display.last == UInt8(ascii: "\r") { display = display.dropLast() }
        if kind == .noNewlineMarker, display.first == UInt8(ascii: " ") { display = display.dropFirst() }
        self.text = String(decoding: display, as: UTF8.self)
    }

    /// Whether the line ends with `\n`; only the very last line of an input can lack one.
    public var hasNewline: Bool { raw.last == UInt8(ascii: "\n") }

    /// The file's bytes for this line (no prefix, no `\n`). A `\r` of a CRLF file stays, because
    /// it is part of the content that the patch changes.
    public var content: ArraySlice<UInt8> { DiffLine.content(of: raw, kind: kind) }

    private static func content(of raw: [UInt8], kind: DiffLineKind) -> ArraySlice<UInt8> {
        var slice = raw[...]
        if slice.last == UInt8(ascii: "\n") { slice = slice.dropLast() }
        switch kind {
        case .added, .removed, .noNewlineMarker:
            return slice.dropFirst()
        case .context:
            // Some tools strip the space of an empty context line, leaving nothing to drop.
            return slice.first == UInt8(ascii: " ") ? slice.dropFirst() : slice
        }
    }
}
