import Testing

@testable import PilothouseConsole

@Suite struct TextWidthTests {
    @Test(arguments: [
        ("a", 1), ("中", 2), ("한", 2), ("ｱ", 1), ("Ａ", 2), ("😀", 2), ("❤️", 2), ("❤", 1),
        ("🇩🇪", 2), ("👩‍💻", 2), ("é", 1), ("e\u{301}", 1), ("\u{200B}", 0), ("\u{301}", 0),
        ("\u{1B}", 1), ("\t", 1), ("…", 1), ("▰", 1), ("─", 1), ("　", 2),
    ])
    func characterWidths(text: String, width: Int) {
        #expect(
            TextWidth.of(Character(text)) == width,
            "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func stringWidthSumsCharacters() {
        #expect(TextWidth.of("ab中文😀") == 8)
        #expect(TextWidth.of("") == 0)
    }

    @Test func controlCharactersAreReplaced() {
        #expect(TextWidth.displayable("\u{1B}") == TextWidth.replacement)
        #expect(TextWidth.displayable("\u{7F}") == TextWidth.replacement)
        #expect(TextWidth.displayable("\u{9B}") == TextWidth.replacement)  // C1 CSI
        #expect(TextWidth.displayable("\r\n") == TextWidth.replacement)
        #expect(TextWidth.displayable("\t") == " ")
        #expect(TextWidth.displayable("x") == "x")
    }

    @Test func truncateAndPad() {
        #expect(TextWidth.truncate("hello world", to: 6) == "hello…")
        #expect(TextWidth.truncate("hello", to: 5) == "hello")
        #expect(TextWidth.truncate("中文字", to: 4) == "中…")
        #expect(TextWidth.truncate("abc", to: 0) == "")
        #expect(TextWidth.truncate("abc", to: -3) == "")
        #expect(TextWidth.pad("ab", to: 4) == "ab  ")
        #expect(TextWidth.pad("abcdef", to: 4) == "abc…")
    }
}
