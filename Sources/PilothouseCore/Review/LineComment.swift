/// An operator's comment on one line (or a range of lines) of a patch under review.
///
/// It carries the line's text as the operator saw it, so the model reading the feedback
/// knows which line is meant even when the next attempt's line numbers move.
public struct LineComment: Sendable, Hashable, Codable {
    /// The file's path in the patch (the new path for a rename).
    public var file: String
    /// The first commented line: the new file's number, or the old one for a removed line.
    public var line: Int
    /// The last commented line of a range; equal to `line` for a single line.
    public var endLine: Int
    /// The commented lines as the diff shows them, with their `+`/`-`/` ` prefix.
    public var text: String
    public var comment: String

    public init(file: String, line: Int, endLine: Int? = nil, text: String, comment: String) {
        self.file = file
        self.line = line
        self.endLine = max(line, endLine ?? line)
        self.text = text
        self.comment = comment
    }

    /// `Sources/A.swift:12` or `Sources/A.swift:12-14`.
    public var location: String {
        endLine == line ? "\(file):\(line)" : "\(file):\(line)-\(endLine)"
    }
}
