/// Classifies one line of source text with a language's table: comments, strings, numbers and
/// keywords, left to right in a single pass over the UTF-8 bytes.
///
/// Lines are lexed on their own, so the diff viewer only lexes what is on screen; the cost is
/// that a string or block comment spanning lines is seen only on the line that opens it.
public enum SyntaxLexer {
    public static func spans(_ line: [UInt8], language: SyntaxLanguage) -> [SyntaxSpan] {
        var spans: [SyntaxSpan] = []
        let count = line.count
        var start = 0
        while start < count, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        if start < count {
            for prefix in language.commentLinePrefixes where hasPrefix(line, at: start, prefix) {
                return [SyntaxSpan(start..<count, .comment)]
            }
            for prefix in language.headingLinePrefixes where hasPrefix(line, at: start, prefix) {
                return [SyntaxSpan(start..<count, .keyword)]
            }
        }
        var i = start
        while i < count {
            let byte = line[i]
            if let marker = language.lineComments.first(where: { hasPrefix(line, at: i, $0) }),
                !marker.isEmpty
            {
                spans.append(SyntaxSpan(i..<count, .comment))
                return spans
            }
            if let block = language.blockComment, hasPrefix(line, at: i, block.open) {
                let end = find(block.close, in: line, from: i + block.open.utf8.count).map {
                    $0 + block.close.utf8.count
                }
                spans.append(SyntaxSpan(i..<(end ?? count), .comment))
                i = end ?? count
                continue
            }
            if language.stringQuotes.contains(byte) {
                var j = i + 1
                while j < count, line[j] != byte {
                    j += language.backslashEscapes && line[j] == 0x5C ? 2 : 1
                }
                let end = min(count, j + 1)
                spans.append(SyntaxSpan(i..<end, .string))
                i = end
                continue
            }
            if isDigit(byte) || (byte == 0x2E && i + 1 < count && isDigit(line[i + 1])) {
                var j = i + 1
                while j < count, isWordByte(line[j]) || line[j] == 0x2E { j += 1 }
                spans.append(SyntaxSpan(i..<j, .number))
                i = j
                continue
            }
            if isWordByte(byte) || byte == 0x23 {  // `#` starts C preprocessor words
                var j = i + 1
                while j < count, isWordByte(line[j]) { j += 1 }
                if j - i <= 24, !language.keywords.isEmpty,
                    language.keywords.contains(String(decoding: line[i..<j], as: UTF8.self))
                {
                    spans.append(SyntaxSpan(i..<j, .keyword))
                }
                i = j
                continue
            }
            i += 1
        }
        return spans
    }

    /// Letters, digits, `_`, `$` and every byte of a non-ASCII character.
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || isDigit(byte) || byte == 0x5F
            || byte == 0x24 || byte >= 0x80
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func hasPrefix(_ line: [UInt8], at index: Int, _ prefix: String) -> Bool {
        var i = index
        for byte in prefix.utf8 {
            guard i < line.count, line[i] == byte else { return false }
            i += 1
        }
        return true
    }

    private static func find(_ needle: String, in line: [UInt8], from: Int) -> Int? {
        var i = from
        while i < line.count {
            if hasPrefix(line, at: i, needle) { return i }
            i += 1
        }
        return nil
    }
}
