/// Styles for every `ThemeRole`.
///
/// Themes are authored at full colour precision and degraded by the backend to the terminal's
/// `ColorDepth`, so a theme never needs a 16-colour variant; the `monochrome` theme exists for
/// terminals where even attributes must carry all meaning.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var styles: [ThemeRole: Style]

    public init(name: String, styles: [ThemeRole: Style]) {
        self.name = name
        self.styles = styles
    }

    /// The style for `role`, falling back to `normal` so a partial theme still renders.
    public subscript(role: ThemeRole) -> Style {
        styles[role] ?? styles[.normal] ?? .plain
    }

    /// The theme to use at `depth`. Without colours (`NO_COLOR`, dumb terminals) a colour theme
    /// would lose the difference between, say, selected and unselected rows, so it borrows the
    /// monochrome theme's attribute-only styles.
    public func adapted(to depth: ColorDepth) -> Theme {
        guard depth == .none else { return self }
        return Theme(name: name, styles: Theme.monochrome.styles)
    }

    /// Builds a theme from a decoded `[roles]` table such as
    /// `["ok": ["fg": "#5fd75f", "bold": "true"]]`.
    ///
    /// Roles the table leaves out come from `base`, so a user theme can override a few roles of a
    /// built-in one. Unknown roles and keys are errors rather than ignored, because a silently
    /// ignored typo looks like a bug in the console.
    public static func parse(
        name: String, roles: [String: [String: String]], base: Theme = .dark
    ) throws(ThemeError) -> Theme {
        var theme = base
        theme.name = name
        // Sorted so the first error reported does not depend on dictionary order.
        for roleKey in roles.keys.sorted() {
            guard let role = ThemeRole(key: roleKey) else { throw .unknownRole(roleKey) }
            theme.styles[role] = try parseStyle(role: roleKey, roles[roleKey] ?? [:])
        }
        return theme
    }

    static func parseStyle(role: String, _ table: [String: String]) throws(ThemeError) -> Style {
        var style = Style()
        for key in table.keys.sorted() {
            let value = table[key] ?? ""
            switch key.lowercased() {
            case "fg", "foreground":
                guard let color = Color(parsing: value) else {
                    throw .invalidColor(role: role, key: key, value: value)
                }
                style.foreground = color
            case "bg", "background":
                guard let color = Color(parsing: value) else {
                    throw .invalidColor(role: role, key: key, value: value)
                }
                style.background = color
            default:
                guard
                    let attribute = TextAttributes.named.first(where: { $0.name == key.lowercased() })?
                        .attribute
                else { throw .unknownKey(role: role, key: key) }
                switch value.trimmingWhitespace().lowercased() {
                case "true", "yes", "on", "1": style.attributes.insert(attribute)
                case "false", "no", "off", "0": style.attributes.remove(attribute)
                default: throw .invalidFlag(role: role, key: key, value: value)
                }
            }
        }
        return style
    }

    /// The built-in theme called `name` (`dark`, `light`, `high-contrast`, `monochrome`).
    public static func builtin(named name: String) throws(ThemeError) -> Theme {
        let key = name.lowercased().replacingUnderscores()
        guard let theme = builtins.first(where: { $0.name == key }) else { throw .unknownTheme(name) }
        return theme
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" || $0 == " " ? "-" : $0 })
    }
}
