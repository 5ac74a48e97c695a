import Foundation
import PilothouseCore
import TOMLKit

/// `[console]` and `[keys]`: how the console looks and which keys do what. Kept as plain
/// names and strings here, because the console (which owns themes and keymaps) must not
/// depend on the configuration loader.
public struct ConsoleSettings: Sendable, Equatable {
    /// A built-in theme name or a path to a theme file (relative to `.pilothouse/`).
    public var theme: String?
    /// Action name → keys, lazygit style (`approve = ["a"]`, `"<disabled>"`).
    public var keys: [String: [String]] = [:]
    /// `[notify]`: which events ring the bell, show a desktop notification or run a command.
    public var notify = NotifySettings()

    public init() {}

    static func read(_ reader: inout ConfigReader, into settings: inout ConsoleSettings) throws(ConfigError) {
        try reader.section("console") { (section: inout ConfigReader.Section) throws(ConfigError) in
            settings.theme = try section.string("theme")
        }
        try reader.section("notify") { (section: inout ConfigReader.Section) throws(ConfigError) in
            try readNotify(&section, into: &settings.notify)
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

extension ConsoleSettings {
    /// `[notify]`: `KIND = ["bell", "desktop", "command"]` per `NotificationKind`, `enabled`,
    /// `notify_command` (argv), `rate_limited_after_seconds`, `digest_seconds`.
    static func readNotify(_ section: inout ConfigReader.Section, into notify: inout NotifySettings)
        throws(ConfigError)
    {
        let channelNames = NotificationChannel.allCases.map(\.rawValue).joined(separator: ", ")
        for kind in NotificationKind.allCases {
            guard let names = try section.stringArray(kind.rawValue) else { continue }
            var channels: Set<NotificationChannel> = []
            for name in names {
                guard let channel = NotificationChannel(rawValue: name) else {
                    throw section.invalid(kind.rawValue, name, expected: "a list of: \(channelNames)")
                }
                channels.insert(channel)
            }
            notify.channels[kind] = channels
        }
        if let command = try section.stringArray("notify_command") {
            guard let program = command.first, !program.isEmpty else {
                throw section.invalid(
                    "notify_command", "[]", expected: "a program and its arguments, e.g. [\"notify-send\"]")
            }
            notify.command = command
        }
        if let seconds = try section.int("rate_limited_after_seconds", range: 1...86_400) {
            notify.rateLimitedAfterSeconds = seconds
        }
        if let seconds = try section.int("digest_seconds", range: 0...3600) { notify.digestSeconds = seconds }
        if try section.bool("enabled") == false { notify.channels = [:] }
        for kind in NotificationKind.allCases where notify.channels[kind]?.contains(.command) == true {
            guard !notify.command.isEmpty else {
                throw section.invalid(
                    kind.rawValue, "command",
                    expected: "notify_command set, since the command channel runs it")
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
        let text = try ConfigFile.text(at: path)
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
