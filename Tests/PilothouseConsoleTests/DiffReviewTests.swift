import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

/// The diff viewer as a review tool: syntax colours per language, word emphasis, long lines,
/// line comments sent with a rejection, and `e` to edit the waiting patch.
@Suite struct DiffReviewTests {
    static func patch(_ path: String, _ removed: String, _ added: String, context: String) -> Data {
        Data(
            """
            diff --git a/\(path) b/\(path)
            --- a/\(path)
            +++ b/\(path)
            @@ -1,2 +1,2 @@
             \(context)
            -\(removed)
            +\(added)

            """.utf8)
    }

    /// One sample per language: a context line and a replaced line, each with a keyword, a
    /// string or a comment the lexer must colour.
    static let samples: [(String, String, String, String, String)] = [
        ("swift", "a.swift", "let x = \"old\" // 1", "let x = \"new\" // 2", "import Foundation"),
        ("python", "a.py", "def f(): return 'a'  # x", "def f(): return 'b'  # x", "import os"),
        ("go", "a.go", "func f() int { return 1 }", "func f() int { return 2 }", "package main"),
        ("rust", "a.rs", "fn f() -> u8 { 1 }", "fn f() -> u8 { 2 }", "use std::io;"),
        ("javascript", "a.ts", "const s = `a`; // c", "const s = `b`; // c", "import x from 'y'"),
        ("c", "a.c", "int f(void) { return 1; }", "int f(void) { return 2; }", "#include <stdio.h>"),
        ("java", "A.java", "public int f() { return 1; }", "public int f() { return 2; }", "package a;"),
        ("shell", "a.sh", "if [ \"$a\" ]; then exit 1; fi", "if [ \"$a\" ]; then exit 2; fi", "# setup"),
        ("json", "a.json", "  \"debug\": true,", "  \"debug\": false,", "{"),
        ("yaml", "a.yaml", "enabled: yes # on", "enabled: no # off", "name: 'x'"),
        ("toml", "a.toml", "port = 80", "port = 8080", "[server]"),
        ("markdown", "a.md", "Run `make`.", "Run `make test`.", "# Title"),
    ]

    func reviewing(_ diff: Data, id: JobID = Fixtures.id(1)) -> ConsoleModel {
        var model = Fixtures.model()
        let request = ApprovalRequest(jobID: id, attempt: 1, title: "review", diff: diff)
        model.apply(.approvalRequested(request))
        model.openDiff(request)
        return model
    }

    func render(
        _ model: inout ConsoleModel, _ size: Size = Fixtures.size80, theme: Theme = Fixtures.probeTheme
    )
        -> Canvas
    {
        ConsoleView.render(&model, size: size, theme: theme, keymap: .default)
    }

    @Test(arguments: samples.map(\.0))
    func syntaxHighlightingPerLanguage(language: String) throws {
        let sample = try #require(Self.samples.first { $0.0 == language })
        var model = reviewing(Self.patch(sample.1, sample.2, sample.3, context: sample.4))
        let canvas = render(&model)
        Snapshot.check(canvas, named: "syntax-\(language)-80x24")
        let syntaxStyles = [ThemeRole.syntaxKeyword, .syntaxString, .syntaxComment, .syntaxNumber].map {
            Fixtures.probeTheme[$0]
        }
        var coloured = 0
        for y in 0..<canvas.height {
            for x in 0..<canvas.width where syntaxStyles.contains(canvas[x, y].style) { coloured += 1 }
        }
        #expect(coloured > 0, "no syntax colour in the \(language) sample")
    }

    @Test(arguments: PaneSnapshotTests.sizes)
    func wordHighlighting(size: Size) {
        var model = reviewing(
            Self.patch(
                "Sources/Tax.swift", "    return total + tax * rate", "    return total - discount * rate",
                context: "func price() -> Int {"))
        let canvas = render(&model, size)
        Snapshot.check(canvas, named: "diff-words-\(size.width)x\(size.height)")
        let removedRow = canvas.lines.firstIndex { $0.contains("return total + tax") }!
        let x = Array(canvas.lines[removedRow]).firstIndex(of: "+")!  // the `+ tax` inside the line
        #expect(canvas[x, removedRow].style == Fixtures.probeTheme[.removedEmphasis])
        let same = Array(canvas.lines[removedRow]).firstIndex(of: "t")!  // `total`, unchanged
        #expect(canvas[same, removedRow].style != Fixtures.probeTheme[.removedEmphasis])
    }

    @Test func noColorTurnsSyntaxOffButKeepsEmphasisVisible() {
        var model = reviewing(
            Self.patch("a.swift", "let x = \"old\"", "let x = \"new\"", context: "import A"))
        let theme = Theme.dark.adapted(to: .none)
        let canvas = render(&model, theme: theme)
        let row = canvas.lines.firstIndex { $0.contains("+let x = \"new\"") }!
        let line = Array(canvas.lines[row])
        let keyword = line.firstIndex(of: "l")!
        #expect(canvas[keyword, row].style == theme[.added])
        let changed = line.lastIndex(of: "n")!
        #expect(canvas[changed, row].style.attributes.contains(.reverse))
    }

    @Test func longLinesScrollSidewaysOrWrapAndAreNeverCutSilently() {
        let long = "let message = \"" + String(repeating: "abcdefghij", count: 12) + "\" // END"
        var model = reviewing(Self.patch("a.swift", "let message = \"short\"", long, context: "import A"))
        var canvas = render(&model)
        var row = canvas.lines.firstIndex { $0.contains("+let message") }!
        #expect(canvas.lines[row].contains("›"))
        #expect(!canvas.lines.contains { $0.contains("END") })
        Snapshot.check(canvas, named: "diff-long-80x24")

        for _ in 0..<12 { _ = model.handle(.char("l"), keymap: .default) }
        canvas = render(&model)
        #expect(canvas.lines.contains { $0.contains("\" // END") })
        row = canvas.lines.firstIndex { $0.contains("// END") }!
        #expect(canvas.lines[row].contains("‹"))

        _ = model.handle(.char("w"), keymap: .default)
        #expect(model.diff?.wraps == true && model.diff?.leftColumn == 0)
        canvas = render(&model)
        Snapshot.check(canvas, named: "diff-wrapped-80x24")
        let first = canvas.lines.firstIndex { $0.contains("+let message") }!
        #expect(canvas.lines[first + 1].contains("abcdefghij"))
        #expect(canvas.lines.contains { $0.contains("END") })
    }

    @Test func aMegabyteLineIsMarkedAsCutAndCanBeScrolledToItsEnd() {
        let huge = "x = [" + String(repeating: "1, ", count: 350_000) + "2]  # TAIL"
        var model = reviewing(Self.patch("a.py", "x = []", huge, context: "import os"))
        var canvas = render(&model)
        let row = canvas.lines.firstIndex { $0.contains("+x = [1, 1,") }!
        #expect(canvas.lines[row].contains("›"))
        for _ in 0..<(huge.count / 8 - 4) { _ = model.handle(.char("l"), keymap: .default) }
        canvas = render(&model)
        #expect(canvas.lines.contains { $0.contains("2]  # TAIL") })
    }

    @Test func cCommentsOnTheCursorLineInsideTheDiffAndCancelsOutsideIt() {
        var model = reviewing(Self.patch("a.py", "x = 1", "x = 2", context: "import os"))
        // The cursor starts on the first line of the patch (the context line): move to `+x = 2`.
        _ = model.handle(.char("j"), keymap: .default)
        _ = model.handle(.char("j"), keymap: .default)
        _ = model.handle(.char("c"), keymap: .default)
        guard case .lineComment(let id, let rows)? = model.prompt?.purpose else {
            Issue.record("c did not open a comment prompt: \(String(describing: model.prompt))")
            return
        }
        #expect(id == Fixtures.id(1))
        for key in "use a named constant" { _ = model.handle(.char(key), keymap: .default) }
        _ = model.handle(.enter, keymap: .default)
        let comment = model.reviewDrafts[Fixtures.id(1)]?.comments[rows.upperBound]
        #expect(
            comment == LineComment(file: "a.py", line: 2, text: "+x = 2", comment: "use a named constant"))
        let canvas = render(&model)
        Snapshot.check(canvas, named: "diff-comment-80x24")
        let line = canvas.lines.firstIndex { $0.contains("+x = 2") }!
        #expect(canvas.lines[line + 1].contains("✎ use a named constant"))

        var effects = model.handle(.char("r"), keymap: .default)
        for key in "not this way" { effects += model.handle(.char(key), keymap: .default) }
        effects += model.handle(.enter, keymap: .default)
        #expect(
            effects == [
                .send(.rejectWithComments(Fixtures.id(1), reason: "not this way", comments: [comment!]))
            ])
        #expect(model.reviewDrafts[Fixtures.id(1)] == nil)

        // Outside the diff, c is still cancel.
        var plain = Fixtures.model()
        _ = plain.handle(.char("c"), keymap: .default)
        #expect(plain.confirmation?.question.hasPrefix("cancel") == true)
    }

    @Test func aMarkedRangeIsOneCommentWithEveryLine() {
        var model = reviewing(
            Data(
                """
                diff --git a/a.go b/a.go
                --- a/a.go
                +++ b/a.go
                @@ -1,2 +1,3 @@
                 package a
                -var x = 1
                +var x = 2
                +var y = 3

                """.utf8))
        _ = model.handle(.char("j"), keymap: .default)
        _ = model.handle(.char("v"), keymap: .default)
        _ = model.handle(.char("j"), keymap: .default)
        _ = model.handle(.char("j"), keymap: .default)
        _ = model.handle(.char("c"), keymap: .default)
        for key in "both" { _ = model.handle(.char(key), keymap: .default) }
        _ = model.handle(.enter, keymap: .default)
        let comments = model.reviewDrafts[Fixtures.id(1)]?.ordered ?? []
        #expect(
            comments == [
                LineComment(
                    file: "a.go", line: 2, endLine: 3, text: "-var x = 1\n+var x = 2\n+var y = 3",
                    comment: "both")
            ])
    }

    @Test func commentsAreNotSentWithARejectionOfANewerPatch() {
        var model = reviewing(Self.patch("a.py", "x = 1", "x = 2", context: "import os"))
        _ = model.handle(.char("j"), keymap: .default)
        _ = model.handle(.char("c"), keymap: .default)
        for key in "hm" { _ = model.handle(.char(key), keymap: .default) }
        _ = model.handle(.enter, keymap: .default)
        let newer = ApprovalRequest(
            jobID: Fixtures.id(1), attempt: 2, title: "review",
            diff: Self.patch("a.py", "x = 1", "x = 3", context: "import os"))
        model.apply(.approvalRequested(newer))
        var effects = model.handle(.char("r"), keymap: .default)
        for key in "no" { effects += model.handle(.char(key), keymap: .default) }
        effects += model.handle(.enter, keymap: .default)
        #expect(effects == [.send(.reject(Fixtures.id(1), reason: "no"))])
    }

    @Test func eAsksToEditTheWaitingPatchAndIsRefusedReadOnly() {
        let diff = Self.patch("a.py", "x = 1", "x = 2", context: "import os")
        var model = reviewing(diff)
        #expect(model.handle(.char("e"), keymap: .default) == [.editPatch(Fixtures.id(1), diff)])
        var readOnly = Fixtures.model(readOnly: true)
        #expect(readOnly.handle(.char("e"), keymap: .default).isEmpty)
        #expect(readOnly.status.tone == .error)
    }

    @Test func aDiffOnlyKeyMayShadowAGlobalOneButNotAnotherDiffKey() throws {
        #expect(Keymap.default.action(for: .char("c")) == .cancel)
        #expect(Keymap.default.action(for: .char("c"), inDiff: true) == .comment)
        #expect(Keymap.default.action(for: .char("a"), inDiff: true) == .approve)
        #expect(throws: KeymapError.self) { try Keymap(overrides: ["wrap": ["c"]]) }
    }
}
