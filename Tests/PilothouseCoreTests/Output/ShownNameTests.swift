import Testing

@testable import PilothouseCore

/// Names and hashes from an edited database reach the terminal only escaped.
@Suite struct ShownNameTests {
    @Test func controlAndFormatCharactersAreEscaped() {
        #expect(ShownName.of("quarantine") == "quarantine")
        #expect(ShownName.of("TEXT NOT NULL DEFAULT '[]'") == "TEXT NOT NULL DEFAULT '[]'")
        #expect(ShownName.of("x\u{1B}[2Jy") == "\"x\\u{1B}[2Jy\"")
        #expect(ShownName.of("a\u{0}b") == "\"a\\0b\"")
        #expect(ShownName.of("evil\u{202E}txt.exe") != "evil\u{202E}txt.exe")
        #expect(ShownName.of("two\nlines") == "\"two\\nlines\"")
    }
}
