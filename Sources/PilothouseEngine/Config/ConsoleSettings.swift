import Foundation
import TOMLKit

/// `[console]` and `[keys]`: how the console looks and which keys do what. Kept as plain
/// names and strings here, because the console (which owns themes and keymaps) must not
/// depend on the configuration loader.
public struct ConsoleSettings: Sendable, Equatable {
    /// A built-in theme name or a path to a theme file (relative to `.pilothouse/`).
    public var theme: String?
    /// Action name → keys, lazygit style (`approve = ["a"]`, `"<disabled>"`).
    public var keys: [String: [String]] = [:]

    public init() {}

    static func read(_ reader: inout ConfigReader, into settings: inout ConsoleSettings) throws(ConfigError) {
        try reader.section("console") { (section: inout ConfigReader.Section) throws(ConfigError) in
            settings.theme = try section.string("theme")
        }
        try reader.section("keys") { (section: inout ConfigReader.Section) throws(ConfigError) in
            for action in section.table.keys.sorted() {
                section.consumed.insert(action)
                let value = section.table[action]
                if let single = value?.string {
                    settings.keys[action] = [single]
                } else if (value?.array) != nil, let keys = try section.stringArray(action) {
                    settings.keys[action] = keys
                } else {
                    throw section.invalid(
                        action, value?.debugDescription ?? "",
                        expected: "a key or a list of keys, e.g. [\"a\"]")
                }
            }
        }
    }
}

/// A theme file (`Themes/*.toml` format) read into plain tables for `Theme.parse`.
public enum ThemeFile {
    public struct Contents: Sendable, Equatable {
        public var name: String
        public var roles: [String: [String: String]]
    }

    public static func load(path: String) throws(ConfigError) -> Contents {
        let text = try ConfigError.text(of: path)
        let reader = try ConfigReader(parsing: text, path: path)
        let name =
            reader.table["name"]?.string
            ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var roles: [String: [String: String]] = [:]
        guard let table = reader.table["roles"]?.table else {
            throw .invalidValue(
                path: path, line: reader.line(of: "roles", in: nil), key: "roles", value: "(missing)",
                expected: "[roles.NAME] tables")
        }
        for role in table.keys {
            guard let entries = table[role]?.table else {
                throw .invalidValue(
                    path: path, line: reader.line(of: role, in: "roles"), key: "roles.\(role)",
                    value: table[role]?.debugDescription ?? "", expected: "a [roles.\(role)] table")
            }
            var values: [String: String] = [:]
            for key in entries.keys {
                let value = entries[key]
                if let text = value?.string {
                    values[key] = text
                } else if let flag = value?.bool {
                    values[key] = flag ? "true" : "false"
                } else if let number = value?.int {
                    values[key] = String(number)
                } else {
                    throw .invalidValue(
                        path: path, line: reader.line(of: key, in: "roles.\(role)"),
                        key: "roles.\(role).\(key)",
                        value: value?.debugDescription ?? "", expected: "a colour string or true/false")
                }
            }
            roles[role] = values
        }
        return Contents(name: name, roles: roles)
    }
}
