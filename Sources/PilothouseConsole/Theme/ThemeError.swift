/// Why a theme table was rejected. Every case names the role so the operator can find the line.
public enum ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownRole(String)
    case unknownKey(role: String, key: String)
    case invalidColor(role: String, key: String, value: String)
    case invalidFlag(role: String, key: String, value: String)
    case unknownTheme(String)

    public var description: String {
        switch self {
        case .unknownRole(let role):
            "theme: unknown role '\(role)' (known: \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unknownKey(let role, let key):
            "theme: role '\(role)': unknown key '\(key)' (use fg, bg, bold, dim, reverse, underline, italic)"
        case .invalidColor(let role, let key, let value):
            "theme: role '\(role)': \(key) = '\(value)' is not a colour (use #rrggbb, 0–255, an ANSI name or default)"
        case .invalidFlag(let role, let key, let value):
            "theme: role '\(role)': \(key) = '\(value)' is not true or false"
        case .unknownTheme(let name):
            "theme: no built-in theme named '\(name)' (known: \(Theme.builtins.map(\.name).joined(separator: ", ")))"
        }
    }
}
