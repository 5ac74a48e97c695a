/// One terminal cell of a `Canvas`.
///
/// A wide character (CJK, emoji) is stored as a head cell of width 2 followed by a continuation cell
/// of width 0, mirroring what the terminal does, so cell coordinates equal screen columns.
public struct Cell: Hashable, Sendable {
    /// The grapheme shown; for continuation cells a space that is never drawn.
    public var character: Character
    public var style: Style
    /// Columns taken: 1, 2 for the head of a wide character, 0 for its continuation.
    public var width: UInt8

    public init(_ character: Character = " ", style: Style = .plain, width: UInt8 = 1) {
        self.character = character
        self.style = style
        self.width = width
    }

    public static let blank = Cell()

    public var isContinuation: Bool { width == 0 }

    static func continuation(style: Style) -> Cell { Cell(" ", style: style, width: 0) }
}
