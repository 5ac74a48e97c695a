import Synchronization

/// Numbers for the graphemes cells hold (see `Cell`): a single-scalar grapheme is its scalar
/// value; a longer one gets an index, the same one every time, for the life of the process.
///
/// Multi-scalar graphemes are rare on screen (emoji sequences, combining marks), so one lock
/// around the table costs nothing measurable. The table only grows; past `capacity` distinct
/// sequences (a hostile stream of unique combining sequences) further ones are shown as the
/// replacement character rather than growing memory without bound.
enum GraphemeTable {
    /// Set on codes that are table indices; scalar values stay below 0x110000.
    static let internedFlag: UInt32 = 0x8000_0000
    static let capacity = 1 << 16

    private struct Storage {
        var characters: [Character] = []
        var codes: [Character: UInt32] = [:]
    }

    private static let storage = Mutex(Storage())

    static func code(of character: Character) -> UInt32 {
        let scalars = character.unicodeScalars
        if let first = scalars.first, scalars.index(after: scalars.startIndex) == scalars.endIndex {
            return first.value
        }
        return storage.withLock { table in
            if let code = table.codes[character] { return code }
            guard table.characters.count < capacity else { return TerminalReplacement.value }
            let code = internedFlag | UInt32(table.characters.count)
            table.characters.append(character)
            table.codes[character] = code
            return code
        }
    }

    static func character(of code: UInt32) -> Character {
        if code & internedFlag == 0 {
            return Character(Unicode.Scalar(code) ?? TerminalReplacement.scalar)
        }
        let index = Int(code & ~internedFlag)
        return storage.withLock { table in
            index < table.characters.count ? table.characters[index] : Character(TerminalReplacement.scalar)
        }
    }
}

/// The replacement character as a scalar and a code.
private enum TerminalReplacement {
    static let scalar = Unicode.Scalar(UInt32(0xFFFD))!
    static let value: UInt32 = 0xFFFD
}
