import TOMLKit

extension ConfigReader.Section {
    mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        consumed.insert(key)
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else {
            throw invalid(key, value.debugDescription, expected: "true or false")
        }
        return flag
    }

    mutating func stringArray(_ key: String) throws(ConfigError) -> [String]? {
        consumed.insert(key)
        guard let value = table[key] else { return nil }
        guard let array = value.array else {
            throw invalid(key, value.debugDescription, expected: "an array of strings")
        }
        var strings: [String] = []
        for element in array {
            guard let text = element.string else {
                throw invalid(key, value.debugDescription, expected: "an array of strings")
            }
            strings.append(text)
        }
        return strings
    }

    /// A sub-table of whole numbers, such as `[engine.stage_limits]`.
    mutating func intTable(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> [String: Int]? {
        consumed.insert(key)
        guard let value = table[key] else { return nil }
        guard let sub = value.table else {
            throw invalid(key, value.debugDescription, expected: "a table of numbers")
        }
        var result: [String: Int] = [:]
        for name in sub.keys {
            guard let number = sub[name]?.int, range.contains(number) else {
                throw .invalidValue(
                    path: reader.path, line: reader.line(of: name, in: "\(self.name).\(key)"),
                    key: "\(self.name).\(key).\(name)",
                    value: sub[name]?.debugDescription ?? "",
                    expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            result[name] = number
        }
        return result
    }

    /// An array of tables (`[[pipeline.stages]]`), each read as its own section.
    mutating func tables(_ key: String, _ body: (inout ConfigReader.Section, Int) throws(ConfigError) -> Void)
        throws(ConfigError)
    {
        consumed.insert(key)
        guard let value = table[key] else { return }
        guard let array = value.array else {
            throw invalid(key, value.debugDescription, expected: "[[\(name).\(key)]] tables")
        }
        for index in 0..<array.count {
            guard let sub = array[index].table else {
                throw invalid(key, array[index].debugDescription, expected: "[[\(name).\(key)]] tables")
            }
            var section = ConfigReader.Section(
                name: "\(name).\(key)", table: sub, reader: reader, occurrence: index)
            try body(&section, index)
            for extra in sub.keys.sorted() where !section.consumed.contains(extra) {
                throw .unknownKey(
                    path: reader.path, line: section.line(of: extra), key: "\(name).\(key).\(extra)",
                    known: section.consumed.sorted())
            }
        }
    }

    /// A nested table (`key = { … }` or `[section.key]`); its keys are free-form names.
    mutating func subtable(_ key: String) throws(ConfigError) -> TOMLTable? {
        consumed.insert(key)
        guard let value = table[key] else { return nil }
        guard let sub = value.table else { throw invalid(key, value.debugDescription, expected: "a table") }
        return sub
    }

    /// Every key of the section as a nested table, for sections of named entries such as
    /// `[agents.NAME]` or `[models."openai:gpt-4o"]`; each entry is read with its own
    /// unknown-key check.
    mutating func namedTables(_ body: (String, inout ConfigReader.Section) throws(ConfigError) -> Void)
        throws(ConfigError)
    {
        for key in table.keys.sorted() {
            consumed.insert(key)
            guard let sub = table[key]?.table else {
                throw invalid(key, table[key]?.debugDescription ?? "", expected: "a [\(name).\(key)] table")
            }
            let quoted = key.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            var section = ConfigReader.Section(
                name: quoted ? "\(name).\"\(key)\"" : "\(name).\(key)", table: sub, reader: reader)
            try body(key, &section)
            for unknown in sub.keys.sorted() where !section.consumed.contains(unknown) {
                throw .unknownKey(
                    path: reader.path, line: section.line(of: unknown),
                    key: "\(section.name).\(unknown)", known: section.consumed.sorted())
            }
        }
    }

    /// The line of `key` in this section (in the right `[[…]]` occurrence), or of the
    /// section's own key in its parent when the value is an inline table.
    func line(of key: String) -> Int {
        let direct = reader.line(of: key, in: name, occurrence: occurrence)
        if direct > 0 { return direct }
        let parts = name.split(separator: ".")
        guard parts.count > 1 else { return 0 }
        return reader.line(of: String(parts.last!), in: parts.dropLast().joined(separator: "."))
    }
}
