import PilothouseCore
import Testing

@testable import PilothouseEngine

@Suite struct PilothouseConfigTests {
    @Test func templateParsesToTheDefaults() throws {
        #expect(try PilothouseConfig.parse(ConfigTemplate.text, path: "p.toml") == PilothouseConfig())
        #expect(try PilothouseConfig.parse("", path: "p.toml") == PilothouseConfig())
    }

    @Test func readsValues() throws {
        let config = try PilothouseConfig.parse(
            "[jobs]\nmax_attempts = 5\ndefault_priority = \"high\"\n", path: "p.toml")
        #expect(config.jobs.maxAttempts == 5)
        #expect(config.jobs.defaultPriority == .p1)
    }

    @Test func syntaxErrorNamesFileAndLine() {
        #expect {
            try PilothouseConfig.parse("[jobs]\nmax_attempts = = 3\n", path: "p.toml")
        } throws: { error in
            guard case ConfigError.syntax(let path, let line, _) = error else { return false }
            return path == "p.toml" && line == 2
        }
    }

    @Test func badValueNamesKeyAndLine() {
        #expect {
            try PilothouseConfig.parse("# c\n[jobs]\n\nmax_attempts = 0\n", path: "p.toml")
        } throws: { error in
            guard case ConfigError.invalidValue(_, let line, let key, _, _) = error else { return false }
            return line == 4 && key == "jobs.max_attempts"
        }
    }

    @Test func typoIsAnError() {
        #expect {
            try PilothouseConfig.parse("[jobs]\nmax_atempts = 3\n", path: "p.toml")
        } throws: { error in
            (error as? ConfigError)?.description
                == "p.toml:2: unknown setting 'jobs.max_atempts'; known here: default_category, default_priority, max_attempts"
        }
        #expect(throws: ConfigError.self) { try PilothouseConfig.parse("[jobz]\n", path: "p.toml") }
    }
}
