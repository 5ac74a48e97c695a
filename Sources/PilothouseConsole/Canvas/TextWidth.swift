import PilothouseCore

/// Terminal column widths computed from Unicode data alone.
///
/// The canvas must agree with the terminal about how many columns each character takes, or every
/// cell to its right shifts. `wcwidth` would do, but it depends on the process locale and the C
/// library's tables, which makes layout untestable without a terminal; this table follows
/// Unicode's East Asian Width (W/F) and emoji presentation, which is what modern terminals use.
public enum TextWidth {
    /// Shown in place of control characters so escape sequences in model output or file names can
    /// never reach the terminal.
    public static let replacement = Character(TerminalText.replacement)
    public static let ellipsis: Character = "…"

    /// Columns `character` occupies once made displayable: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        if let scalar = singleBMPScalar(character) { return Int(bmpWidths[Int(scalar)]) }
        return width(ofDisplayable: displayable(character))
    }

    /// Total columns of `text`, with control characters counted as their replacement.
    public static func of(_ text: String) -> Int {
        if let columns = printableASCIIWidth(text) { return columns }
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// The width of `text` when it is all printable ASCII (one column per byte, found without
    /// breaking it into characters), else nil.
    static func printableASCIIWidth(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where byte < 0x20 || byte >= 0x7F { return nil }
            return bytes.count
        }
    }

    /// The value of `character`'s only scalar when it has one and it lies in the Basic
    /// Multilingual Plane, which is where `bmpWidths` has an answer.
    private static func singleBMPScalar(_ character: Character) -> UInt32? {
        let scalars = character.unicodeScalars
        guard let first = scalars.first, first.value < 0x10000,
            scalars.index(after: scalars.startIndex) == scalars.endIndex
        else { return nil }
        return first.value
    }

    /// Display width of every single-scalar character of the Basic Multilingual Plane, computed
    /// once on first use (a few milliseconds): the Unicode property lookups behind a width cost
    /// far more than a frame can spend per cell. Surrogate code points, which are no scalars, get 1.
    static let bmpWidths: [UInt8] = (0..<0x10000).map { value in
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return 1 }
        return UInt8(computedWidth(ofDisplayable: displayable(Character(scalar))))
    }

    /// `character` itself, or a replacement when it would move the cursor, change terminal state
    /// or reorder text (`TerminalText.isUnsafe`, shared with the CLI). Tabs become a single
    /// space because the canvas has no tab stops.
    public static func displayable(_ character: Character) -> Character {
        guard let first = character.unicodeScalars.first else { return replacement }
        if first == "\t" { return " " }
        // Grapheme clusters that merely start with a newline ("\r\n") are caught by `isNewline`.
        if TerminalText.isUnsafe(first) || character.isNewline { return replacement }
        return character
    }

    /// `text` cut to at most `width` columns, ending in `…` when something was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if let columns = printableASCIIWidth(text) {
            if columns <= width { return text }
            return String(text.utf8.prefix(width - 1))! + String(ellipsis)
        }
        if of(text) <= width { return text }
        var result = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > width - 1 { break }
            result.append(displayable(character))
            used += w
        }
        result.append(ellipsis)
        return result
    }

    /// `text` truncated or right-padded with spaces to exactly `width` columns.
    public static func pad(_ text: String, to width: Int) -> String {
        let cut = truncate(text, to: width)
        let missing = width - of(cut)
        return missing > 0 ? cut + String(repeating: " ", count: missing) : cut
    }

    static func width(ofDisplayable character: Character) -> Int {
        if let scalar = singleBMPScalar(character) { return Int(bmpWidths[Int(scalar)]) }
        return computedWidth(ofDisplayable: character)
    }

    private static func computedWidth(ofDisplayable character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if isZeroWidth(first) { return 0 }
        if isWide(first) { return 2 }
        // Text-default emoji turned into emoji by VS16 (e.g. "❤️"), keycaps and flags render
        // two columns wide in emoji-capable terminals.
        if scalars.count > 1 {
            if scalars.contains("\u{FE0F}") && first.properties.isEmoji { return 2 }
            if (0x1F1E6...0x1F1FF).contains(first.value) { return 2 }  // regional indicator pair: a flag
        }
        return 1
    }

    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: break
        }
        // Hangul medial vowels and final consonants join the preceding syllable block.
        return (0x1160...0x11FF).contains(scalar.value) || (0xD7B0...0xD7FF).contains(scalar.value)
    }

    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isEmojiPresentation { return true }
        let v = scalar.value
        // Binary search over East Asian Wide/Fullwidth ranges.
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wideRanges[mid]
            if v < range.lowerBound {
                high = mid - 1
            } else if v > range.upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// East Asian Width W and F ranges (Unicode 15), excluding emoji that `isEmojiPresentation`
    /// already covers. Sorted, non-overlapping.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x2329...0x232A,  // angle brackets
        0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x2FF0...0x2FFF,  // CJK radicals, Kangxi
        0x3000...0x303E,  // CJK symbols and punctuation, ideographic space
        0x3041...0x3096, 0x3099...0x30FF,  // Hiragana, Katakana
        0x3105...0x312F, 0x3131...0x318E, 0x3190...0x31E3, 0x31EF...0x321E, 0x3220...0x3247,
        0x3250...0x4DBF,  // enclosed CJK, compatibility, CJK extension A
        0x4E00...0xA48C, 0xA490...0xA4C6,  // CJK unified ideographs, Yi
        0xA960...0xA97C,  // Hangul Jamo extended A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19, 0xFE30...0xFE52, 0xFE54...0xFE66, 0xFE68...0xFE6B,  // vertical and small forms
        0xFF01...0xFF60, 0xFFE0...0xFFE6,  // fullwidth forms
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1,
        0x17000...0x187F7, 0x18800...0x18CD5, 0x18D00...0x18D08,  // Tangut
        0x1AFF0...0x1AFFE, 0x1B000...0x1B122, 0x1B132...0x1B132, 0x1B150...0x1B152, 0x1B155...0x1B155,
        0x1B164...0x1B167, 0x1B170...0x1B2FB,  // Kana supplement, Nushu
        0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,  // CJK extensions B–H
    ]
}
