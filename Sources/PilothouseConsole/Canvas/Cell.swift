/// One terminal cell of a `Canvas`.
///
/// A wide character (CJK, emoji) is stored as a head cell of width 2 followed by a continuation cell
/// of width 0, mirroring what the terminal does, so cell coordinates equal screen columns.
///
/// The grapheme is kept as a number, not a `Character`: a frame is 12,000 cells copied, compared
/// and thrown away, and a `Character` (a string) made every one of those a reference-counted
/// copy. A single-scalar grapheme — nearly all of them — is its scalar value; a longer one
/// (an emoji sequence, a letter with combining marks) is interned in `GraphemeTable`. So a cell
/// is plain bits and comparing two frames compares integers.
public struct Cell: Hashable, Sendable {
    /// The grapheme's code: a scalar value, or `GraphemeTable.internedFlag` plus a table index.
    var glyph: UInt32
    public var style: Style
    /// Columns taken: 1, 2 for the head of a wide character, 0 for its continuation.
    public var width: UInt8

    public init(_ character: Character = " ", style: Style = .plain, width: UInt8 = 1) {
        self.glyph = GraphemeTable.code(of: character)
        self.style = style
        self.width = width
    }

    /// A cell holding the printable ASCII character `byte`.
    init(ascii byte: UInt8, style: Style) {
        self.glyph = UInt32(byte)
        self.style = style
        self.width = 1
    }

    /// The grapheme shown; for continuation cells a space that is never drawn.
    public var character: Character {
        get { GraphemeTable.character(of: glyph) }
        set { glyph = GraphemeTable.code(of: newValue) }
    }

    /// The grapheme's scalars, for the backend (which hands them to `setcchar`).
    public var scalars: Character.UnicodeScalarView { character.unicodeScalars }

    public static let blank = Cell()

    public var isContinuation: Bool { width == 0 }

    static func continuation(style: Style) -> Cell { Cell(" ", style: style, width: 0) }
}
