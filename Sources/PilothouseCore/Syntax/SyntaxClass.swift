/// What a piece of source text is, as far as a diff viewer's colours care.
///
/// Deliberately few classes: a reviewer needs to tell code from comments and strings at a
/// glance, not a full grammar. Themes style each class (`syntax_keyword`, …).
public enum SyntaxClass: UInt8, CaseIterable, Hashable, Sendable {
    case keyword
    case string
    case comment
    case number
}

/// A classified run of a line, as UTF-8 byte offsets into it. Runs never split a character:
/// they start and end at ASCII delimiters or identifier boundaries.
public struct SyntaxSpan: Hashable, Sendable {
    public var range: Range<Int>
    public var kind: SyntaxClass

    public init(_ range: Range<Int>, _ kind: SyntaxClass) {
        self.range = range
        self.kind = kind
    }
}
