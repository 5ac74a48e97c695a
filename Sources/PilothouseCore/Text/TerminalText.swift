/// Text made safe to write to a terminal.
///
/// Job titles, plan items, model answers and test output reach the operator's terminal, and a
/// terminal obeys the control characters in what it prints: `ESC ] 0 ; … BEL` sets the window
/// title, `ESC c` clears the screen, a C1 `CSI` starts a sequence on its own, and bidi overrides
/// make a line read differently from what it holds. The console and every human-readable CLI
/// output share this one definition of what may not reach the terminal raw.
public enum TerminalText {
    /// Shown in place of a character that may not reach the terminal.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// Whether `scalar` would move the cursor, change terminal state or reorder text: C0 and C1
    /// controls (including ESC, DEL, tab and newline), line and paragraph separators, and
    /// bidirectional formatting (`U+202A…202E`, `U+2066…2069`, marks).
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return scalar.properties.isBidiControl
        }
    }

    /// `text` for a line-oriented listing: tab and newline kept (they only lay text out),
    /// every other unsafe character replaced by `replacement`.
    public static func neutralised(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && !isLayout($0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(isUnsafe(scalar) && !isLayout(scalar) ? replacement : scalar)
        }
        return String(scalars)
    }

    /// JSON text with every unsafe character that an encoder leaves raw (C1, DEL, bidi
    /// controls, separators) written as a `\uXXXX` escape: the same document for a parser,
    /// inert for a terminal. JSON's structure is ASCII without controls, so every such
    /// character is inside a string, where the escape is valid; the newlines and indentation
    /// of pretty printing are kept.
    public static func escapedJSON(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { isUnsafe($0) && !isLayout($0) }) else { return json }
        var result = ""
        result.reserveCapacity(json.utf8.count + 16)
        for scalar in json.unicodeScalars {
            if isUnsafe(scalar) && !isLayout(scalar) {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isLayout(_ scalar: Unicode.Scalar) -> Bool { scalar == "\n" || scalar == "\t" }
}
