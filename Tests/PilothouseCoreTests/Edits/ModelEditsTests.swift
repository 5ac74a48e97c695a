import PilothouseCore
import Testing

@Suite struct ModelEditsTests {
    @Test func parsesSearchReplaceBlocksWithFencesAndDecoratedPaths() throws {
        let text = """
            Here is the change.

            **src/app.py**
            ```python
            <<<<<<< SEARCH
            def f():
                return 1
            =======
            def f():
                return 2
            >>>>>>> REPLACE
            ```

            `docs/new.md`:
            <<<<<<< SEARCH
            =======
            # New
            >>>>>>> REPLACE
            """
        guard case .blocks(let blocks) = try ModelEdits.parse(text) else {
            Issue.record("expected blocks")
            return
        }
        #expect(blocks.count == 2)
        #expect(blocks[0].path == "src/app.py")
        #expect(blocks[0].search == "def f():\n    return 1\n")
        #expect(blocks[0].replace == "def f():\n    return 2\n")
        #expect(blocks[0].line == 5)
        #expect(blocks[1].path == "docs/new.md")
        #expect(blocks[1].search == "")
        #expect(blocks[1].replace == "# New\n")
    }

    @Test func consecutiveBlocksReuseThePath() throws {
        let text =
            "a.txt\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n<<<<<<< SEARCH\np\n=======\nq\n>>>>>>> REPLACE\n"
        guard case .blocks(let blocks) = try ModelEdits.parse(text) else {
            Issue.record("expected blocks")
            return
        }
        #expect(blocks.map(\.path) == ["a.txt", "a.txt"])
    }

    @Test func fencedDiffIsReturnedVerbatim() throws {
        let text = "Sure:\n```diff\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n```\n"
        #expect(
            try ModelEdits.parse(text) == .unifiedDiff(Array("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n".utf8)))
    }

    @Test(arguments: [
        ("no edits here", EditParseError.noEdits),
        ("a.txt\n<<<<<<< SEARCH\nx\n", .missingDivider(searchLine: 2)),
        ("a.txt\n<<<<<<< SEARCH\nx\n=======\ny\n", .missingReplace(searchLine: 2)),
        ("<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n", .missingPath(line: 1)),
        ("a\n=======\n", .unexpectedMarker(line: 2, marker: "=======")),
        ("a.txt\n<<<<<<< SEARCH\n<<<<<<< SEARCH\n", .unexpectedMarker(line: 3, marker: "<<<<<<< SEARCH")),
        ("```diff\n--- a/x\n", .unterminatedFence(line: 1)),
    ])
    func malformedAnswersGiveTypedErrorsWithLines(text: String, expected: EditParseError) {
        #expect(throws: expected) { try ModelEdits.parse(text) }
    }

    @Test func parsingIsTotalOnArbitraryInput() {
        var generator = SeededGenerator(seed: 0xED175)  // seeded: a failure replays
        let pieces = [
            "<<<<<<< SEARCH", "=======", ">>>>>>> REPLACE", "```diff", "```", "a.txt", "", "x", "--- a/x",
            "\r",
        ]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0..<12, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined(separator: "\n")
            _ = try? ModelEdits.parse(text)
        }
    }
}

@Suite struct EditBlockTests {
    @Test func replacesAUniqueOccurrenceKeepingOtherBytes() throws {
        let original: [UInt8] = Array("caf".utf8) + [0xE9] + Array("\nold line\nend\n".utf8)
        let block = EditBlock(path: "f", search: "old line\n", replace: "new line\n")
        #expect(try block.apply(to: original) == Array("caf".utf8) + [0xE9] + Array("\nnew line\nend\n".utf8))
    }

    @Test func emptySearchCreatesOrAppends() throws {
        let block = EditBlock(path: "f", search: "", replace: "added\n")
        #expect(try block.apply(to: nil) == Array("added\n".utf8))
        #expect(try block.apply(to: Array("x".utf8)) == Array("x\nadded\n".utf8))
    }

    @Test func ambiguousAndMissingSearchesAreRefused() {
        let block = EditBlock(path: "f", search: "a\n", replace: "b\n", line: 7)
        #expect(throws: EditApplyError.ambiguous(path: "f", line: 7, count: 2)) {
            try block.apply(to: Array("a\na\n".utf8))
        }
        #expect(throws: EditApplyError.searchNotFound(path: "f", line: 7)) {
            try block.apply(to: Array("c\n".utf8))
        }
        #expect(throws: EditApplyError.fileNotFound(path: "f", line: 7)) { try block.apply(to: nil) }
    }

    @Test func trailingWhitespaceAndCRLFAreToleratedAndKept() throws {
        let block = EditBlock(path: "f", search: "  one\ntwo\n", replace: "  uno\ndos\n")
        #expect(
            try block.apply(to: Array("zero\r\n  one  \r\ntwo\r\nthree\r\n".utf8))
                == Array("zero\r\n  uno\r\ndos\r\nthree\r\n".utf8))
        #expect(try block.apply(to: Array("  one\ntwo".utf8)) == Array("  uno\ndos".utf8))
    }
}
