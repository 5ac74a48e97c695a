/// One language's lexical table: what starts a comment or a string, and which words are
/// keywords. Data, not code, so adding a language is adding a table entry
/// (`SyntaxLanguage+Table.swift`).
public struct SyntaxLanguage: Hashable, Sendable {
    public var name: String
    public var keywords: Set<String>
    /// Markers that comment out the rest of the line (`//`, `#`, `--`).
    public var lineComments: [String]
    /// A block comment's opening and closing marker (`/*`, `*/`). Lexing is per line, so a
    /// block comment left open colours the rest of its line, and continuation lines are
    /// recognised by `commentLinePrefixes`.
    public var blockComment: (open: String, close: String)?
    /// Bytes that open a string closed by the same byte (`"`, `'`, `` ` ``).
    public var stringQuotes: [UInt8]
    /// Whether a backslash escapes the next byte inside strings.
    public var backslashEscapes: Bool
    /// Lines whose first non-blank text starts with one of these are comments throughout (the
    /// ` * ` lines inside a C block comment, Markdown's `>` quotes).
    public var commentLinePrefixes: [String]
    /// Lines whose first non-blank text starts with one of these are headings, shown as
    /// keywords (Markdown `#`, TOML `[table]`).
    public var headingLinePrefixes: [String]

    public init(
        name: String, keywords: [String], lineComments: [String] = [],
        blockComment: (open: String, close: String)? = nil, stringQuotes: String = "\"",
        backslashEscapes: Bool = true, commentLinePrefixes: [String] = [], headingLinePrefixes: [String] = []
    ) {
        self.name = name
        self.keywords = Set(keywords)
        self.lineComments = lineComments
        self.blockComment = blockComment
        self.stringQuotes = Array(stringQuotes.utf8)
        self.backslashEscapes = backslashEscapes
        self.commentLinePrefixes = commentLinePrefixes
        self.headingLinePrefixes = headingLinePrefixes
    }

    public static func == (lhs: SyntaxLanguage, rhs: SyntaxLanguage) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
