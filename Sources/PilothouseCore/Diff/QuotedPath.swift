/// Git's C-style quoting of file names (`"a/t\303\251st"`), which it uses for any name holding
/// a quote, backslash, control character or (with the default `core.quotePath`) non-ASCII byte.
enum QuotedPath {
    /// Decodes a quoted name starting at `start` (which must hold `"`). Returns the name's bytes
    /// and the index just past the closing quote; `line` (1-based) is only for the error.
    static func unquote(
        _ bytes: ArraySlice<UInt8>, from start: Int, line: Int
    ) throws(DiffParseError) -> (name: [UInt8], end: Int) {
        var name: [UInt8] = []
        var index = start + 1
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                return (name, index + 1)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.endIndex else { break }
                let escaped = bytes[index]
                if let simple = simpleEscapes[escaped] {
                    name.append(simple)
                    index += 1
                } else if (UInt8(ascii: "0")...UInt8(ascii: "3")).contains(escaped),
                    index + 2 < bytes.endIndex,
                    let middle = octalDigit(bytes[index + 1]), let low = octalDigit(bytes[index + 2])
                {
                    name.append((escaped - UInt8(ascii: "0")) << 6 | middle << 3 | low)
                    index += 3
                } else {
                    throw DiffParseError(line: line, message: "invalid escape in quoted file name")
                }
            default:
                name.append(byte)
                index += 1
            }
        }
        throw DiffParseError(line: line, message: "quoted file name has no closing '\"'")
    }

    private static let simpleEscapes: [UInt8: UInt8] = [
        UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08, UInt8(ascii: "t"): 0x09, UInt8(ascii: "n"): 0x0A,
        UInt8(ascii: "v"): 0x0B, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "\""): 0x22,
        UInt8(ascii: "\\"): 0x5C,
    ]

    private static func octalDigit(_ byte: UInt8) -> UInt8? {
        (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) ? byte - UInt8(ascii: "0") : nil
    }
}
