import PilothouseCore
import Testing

@Suite struct SyntaxLexerTests {
    /// The classified pieces of `line` as `class:text`, in order.
    func pieces(_ line: String, _ language: SyntaxLanguage) -> [String] {
        let bytes = Array(line.utf8)
        return SyntaxLexer.spans(bytes, language: language).map {
            "\($0.kind):\(String(decoding: bytes[$0.range], as: UTF8.self))"
        }
    }

    /// One sample per language in the table, each exercising keywords, strings, comments and
    /// numbers where the language has them.
    @Test(arguments: [
        (
            "swift", "let x = \"a\\\"b\" // note 1", SyntaxLanguage.swift,
            ["keyword:let", "string:\"a\\\"b\"", "comment:// note 1"]
        ),
        (
            "python", "def f(x): return 'y' + 3.5  # why", .python,
            ["keyword:def", "keyword:return", "string:'y'", "number:3.5", "comment:# why"]
        ),
        (
            "go", "func main() { s := `raw` /* c */ }", .go,
            ["keyword:func", "string:`raw`", "comment:/* c */"]
        ),
        ("rust", "fn f<'a>(x: &'a str) -> u8 { 0x1F }", .rust, ["keyword:fn", "number:0x1F"]),
        (
            "javascript", "const t = `${a}`; if (x === null) return 42", .javascript,
            ["keyword:const", "string:`${a}`", "keyword:if", "keyword:null", "keyword:return", "number:42"]
        ),
        ("c", "#include <stdio.h>", .c, ["keyword:#include"]),
        (
            "c++", "int main() { return 0; } /* open", .c,
            ["keyword:int", "keyword:return", "number:0", "comment:/* open"]
        ),
        (
            "java", "public static void main(String[] a) { char c = 'x'; }", .java,
            ["keyword:public", "keyword:static", "keyword:void", "keyword:char", "string:'x'"]
        ),
        (
            "shell", "if [ \"$X\" = 'y' ]; then exit 1; fi # done", .shell,
            [
                "keyword:if", "string:\"$X\"", "string:'y'", "keyword:then", "keyword:exit", "number:1",
                "keyword:fi", "comment:# done",
            ]
        ),
        (
            "json", "{\"k\": [true, null, -12.5e3]}", .json,
            ["string:\"k\"", "keyword:true", "keyword:null", "number:12.5e3"]
        ),
        ("yaml", "key: 'v' # c", .yaml, ["string:'v'", "comment:# c"]),
        ("toml", "[server]", .toml, ["keyword:[server]"]),
        ("markdown", "Run `swift build` first", .markdown, ["string:`swift build`"]),
        ("markdown heading", "## Install", .markdown, ["keyword:## Install"]),
        (
            "c block continuation", "   * the rest of a doc comment", .c,
            ["comment:* the rest of a doc comment"]
        ),
    ])
    func classifiesASample(name: String, line: String, language: SyntaxLanguage, expected: [String]) {
        #expect(pieces(line, language) == expected, "\(name)")
    }

    @Test func unterminatedStringRunsToTheEndOfTheLine() {
        #expect(pieces("x = \"open", .python) == ["string:\"open"])
        #expect(pieces("x = \"ends in backslash\\", .python) == ["string:\"ends in backslash\\"])
    }

    @Test func identifiersContainingKeywordsAreNotKeywords() {
        #expect(pieces("letter iffy forx x1 _if", .swift).isEmpty)
        #expect(pieces("café let", .swift) == ["keyword:let"])
    }

    @Test func hostileBytesNeverCrashOrSplitACharacter() {
        var generator = SystemRandomNumberGenerator()
        for language in SyntaxLanguage.all {
            for _ in 0..<200 {
                let length = Int.random(in: 0..<64, using: &generator)
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                var previous = 0
                for span in SyntaxLexer.spans(bytes, language: language) {
                    #expect(span.range.lowerBound >= previous && span.range.upperBound <= bytes.count)
                    #expect(!span.range.isEmpty)
                    previous = span.range.upperBound
                }
            }
        }
        let text = Array("let ü = \"日本\" // ✓".utf8)
        for span in SyntaxLexer.spans(text, language: .swift) {
            #expect(String(validating: text[span.range], as: UTF8.self) != nil)
        }
    }

    @Test func languageComesFromTheFileName() {
        #expect(SyntaxLanguage.forPath("Sources/A.swift") == .swift)
        #expect(SyntaxLanguage.forPath("web/app.TSX") == .javascript)
        #expect(SyntaxLanguage.forPath("include/x.hpp") == .c)
        #expect(SyntaxLanguage.forPath("Makefile") == .shell)
        #expect(SyntaxLanguage.forPath("docs/README.md") == .markdown)
        #expect(SyntaxLanguage.forPath(".gitignore") == nil)
        #expect(SyntaxLanguage.forPath("LICENSE") == nil)
        #expect(SyntaxLanguage.forPath("a.b/c") == nil)
    }
}
