/// Why a `[keys]` table was refused. Every case names what to fix, because a keymap that silently
/// ignores a typo leaves the operator pressing a key that does nothing.
public enum KeymapError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every unknown action name in the table, sorted, so one run reports them all.
    case unknownActions([String])
    case unknownKey(action: String, key: String)
    /// Two actions would share a key; `actions` are sorted.
    case conflict(key: String, actions: [String])

    public var description: String {
        switch self {
        case .unknownActions(let names):
            "keys: unknown action\(names.count == 1 ? "" : "s") \(names.map { "'\($0)'" }.joined(separator: ", "))"
                + " (known: \(ConsoleAction.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unknownKey(let action, let key):
            "keys: \(action) = '\(key)' is not a key (use a character, enter, esc, tab, shift-tab, space, "
                + "up, down, left, right, pgup, pgdn, home, end, ctrl-x, f1…, or \"<disabled>\")"
        case .conflict(let key, let actions):
            "keys: '\(key)' is bound to both \(actions.joined(separator: " and ")); remap one of them"
        }
    }
}
