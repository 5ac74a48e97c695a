/// A name or hash read from a file an outsider may have edited (a table name, a bead hash),
/// made safe to print: as it is, unless it holds control or format characters (escape
/// sequences, NUL, bidirectional overrides, line breaks); then quoted with escapes, so such
/// bytes never reach the operator's terminal.
public enum ShownName {
    public static func of<S: StringProtocol>(_ text: S) -> String {
        let unsafe = text.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
        return unsafe ? String(text).debugDescription : String(text)
    }
}
