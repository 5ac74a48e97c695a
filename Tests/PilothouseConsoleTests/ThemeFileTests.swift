import Testing

@testable import PilothouseConsole

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Themes/*.toml are what operators copy and edit; they must say exactly what the built-ins say.
/// Real TOML decoding lives in the engine (TOMLKit); this reads only the flat subset the files use.
@Suite struct ThemeFileTests {
    static let themesDirectory: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/PilothouseConsoleTests/ThemeFileTests.swift
        return parts.joined(separator: "/") + "/Themes"
    }()

    @Test(arguments: Theme.builtins)
    func fileMatchesBuiltin(builtin: Theme) throws {
        let text = try #require(Self.read("\(Self.themesDirectory)/\(builtin.name).toml"))
        let (name, roles) = Self.parseSubset(text)
        #expect(name == builtin.name)
        #expect(Set(roles.keys) == Set(ThemeRole.allCases.map(\.rawValue)))
        let parsed = try Theme.parse(name: name, roles: roles, base: Theme(name: "", styles: [:]))
        for role in ThemeRole.allCases {
            #expect(parsed.styles[role] == builtin.styles[role], "\(builtin.name).\(role.rawValue)")
        }
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parseSubset(_ text: String) -> (String, [String: [String: String]]) {
        var name = ""
        var roles: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: " ")
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[roles.") && line.hasSuffix("]") {
                let role = String(line.dropFirst("[roles.".count).dropLast())
                current = role
                roles[role] = [:]
                continue
            }
            let pair = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " ") }
            guard pair.count == 2 else { continue }
            let value = pair[1].hasPrefix("\"") ? String(pair[1].dropFirst().dropLast()) : pair[1]
            if let current { roles[current]?[pair[0]] = value } else if pair[0] == "name" { name = value }
        }
        return (name, roles)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
