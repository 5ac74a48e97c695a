import Foundation
import TOMLKit

/// Reads typed values out of a parsed TOML table and turns every surprise into a
/// `ConfigError` with the line it came from, so typos are caught instead of ignored.
struct ConfigReader {
    let table: TOMLTable
    let text: String
    let path: String
    private var seenSections: Set<String> = []

    init(table: TOMLTable, text: String, path: String) {
        self.table = table
        self.text = text
        self.path = path
    }

    /// Parses TOML text; syntax errors carry TOMLKit's line.
    init(parsing text: String, path: String) throws(ConfigError) {
        try ConfigFile.checkCharacters(text, path: path)
        do {
            self.init(table: try TOMLTable(string: text), text: text, path: path)
        } catch let error as TOMLParseError {
            throw .syntax(path: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw .syntax(path: path, line: 0, message: String(describing: error))
        }
    }

    struct Section {
        let name: String
        let table: TOMLTable
        let reader: ConfigReader
        /// Which `[[name]]` table this is, for arrays of tables.
        var occurrence = 0
        var consumed: Set<String> = []

        mutating func int(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
            consumed.insert(key)
            guard let value = table[key] else { return nil }
            guard let number = value.int, range.contains(number) else {
                throw invalid(
                    key, value.debugDescription,
                    expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }

        mutating func string(_ key: String) throws(ConfigError) -> String? {
            consumed.insert(key)
            guard let value = table[key] else { return nil }
            guard let text = value.string else {
                throw invalid(key, value.debugDescription, expected: "a quoted string")
            }
            return text
        }

        func invalid(_ key: String, _ value: String, expected: String) -> ConfigError {
            // `line(of:)`: in the right `[[…]]` occurrence, not always the first one's line.
            .invalidValue(
                path: reader.path, line: line(of: key), key: "\(name).\(key)", value: value,
                expected: expected)
        }
    }

    /// Reads `[name]` if present, then rejects keys in it that `body` did not ask for.
    mutating func section(_ name: String, _ body: (inout Section) throws(ConfigError) -> Void)
        throws(ConfigError)
    {
        seenSections.insert(name)
        guard let value = table[name] else { return }
        guard let sub = value.table else {
            throw .invalidValue(
                path: path, line: line(of: name, in: nil), key: name, value: value.debugDescription,
                expected: "a [\(name)] table")
        }
        var section = Section(name: name, table: sub, reader: self)
        try body(&section)
        for key in sub.keys.sorted() where !section.consumed.contains(key) {
            throw .unknownKey(
                path: path, line: line(of: key, in: name), key: "\(name).\(key)",
                known: section.consumed.sorted())
        }
    }

    /// Reads every `[[name]]` table if present, each as its own section with its own
    /// unknown-key check (`[[schedules]]`).
    mutating func arrayOfTables(_ name: String, _ body: (inout Section, Int) throws(ConfigError) -> Void)
        throws(ConfigError)
    {
        seenSections.insert(name)
        guard let value = table[name] else { return }
        guard let array = value.array else {
            throw .invalidValue(
                path: path, line: line(of: name, in: nil), key: name, value: value.debugDescription,
                expected: "[[\(name)]] tables")
        }
        for index in 0..<array.count {
            guard let sub = array[index].table else {
                throw .invalidValue(
                    path: path, line: line(of: name, in: nil), key: name,
                    value: array[index].debugDescription,
                    expected: "[[\(name)]] tables")
            }
            var section = Section(name: name, table: sub, reader: self, occurrence: index)
            try body(&section, index)
            for key in sub.keys.sorted() where !section.consumed.contains(key) {
                throw .unknownKey(
                    path: path, line: section.line(of: key), key: "\(name).\(key)",
                    known: section.consumed.sorted())
            }
        }
    }

    func rejectUnknownSections() throws(ConfigError) {
        for key in table.keys.sorted() where !seenSections.contains(key) {
            throw .unknownKey(
                path: path, line: line(of: key, in: nil), key: key, known: seenSections.sorted())
        }
    }

    /// The 1-based line where `key` is set (inside `[section]` when given); 0 when not found.
    /// TOMLKit reports positions only for syntax errors, so values are located by text.
    func line(of key: String, in section: String?, occurrence: Int = 0) -> Int {
        var current: String? = nil
        var seen = -1
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                if current == section { seen += 1 }
                if section == nil && current == key { return index + 1 }
                if let section,
                    current == section + "." + key || current?.hasPrefix(section + "." + key + ".") == true
                {
                    return index + 1
                }
                continue
            }
            guard current == section, seen == occurrence || section == nil else { continue }
            let name = line.split(separator: "=", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces)
            if name == key || name == "\"\(key)\"" { return index + 1 }
        }
        return 0
    }
}
