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
            throw invalid(key, value.debugDescription, expected: "an array of quoted strings")
        }
        var result: [String] = []
        for element in array {
            guard let text = element.string else {
                throw invalid(key, value.debugDescription, expected: "an array of quoted strings")
            }
            result.append(text)
        }
        return result
    }

    /// A nested table (`key = { … }` or `[section.key]`); its keys are free-form names.
    mutating func subtable(_ key: String) throws(ConfigError) -> TOMLTable? {
        consumed.insert(key)
        guard let value = table[key] else { return nil }
        guard let sub = value.table else { throw invalid(key, value.debugDescription, expected: "a table") }
        return sub
    }

    /// Every key of the section as a nested table, for sections of named entries such as
    /// `[agents.NAME]`; each entry is read with its own unknown-key check.
    mutating func namedTables(_ body: (String, inout ConfigReader.Section) throws(ConfigError) -> Void)
        throws(ConfigError)
    {
        for key in table.keys.sorted() {
            consumed.insert(key)
            guard let sub = table[key]?.table else {
                throw invalid(key, table[key]?.debugDescription ?? "", expected: "a [\(name).\(key)] table")
            }
            var section = ConfigReader.Section(name: "\(name).\(key)", table: sub, reader: reader)
            try body(key, &section)
            for unknown in sub.keys.sorted() where !section.consumed.contains(unknown) {
                throw .unknownKey(
                    path: reader.path, line: reader.line(of: unknown, in: section.name),
                    key: "\(section.name).\(unknown)", known: section.consumed.sorted())
            }
        }
    }

    /// The line of `key` inside this section, or of the section's own key in its parent when
    /// the value is an inline table.
    func line(of key: String) -> Int {
        let direct = reader.line(of: key, in: name)
        if direct > 0 { return direct }
        let parts = name.split(separator: ".")
        guard parts.count > 1 else { return 0 }
        return reader.line(of: String(parts.last!), in: parts.dropLast().joined(separator: "."))
    }
}
