import Foundation
import Testing

@testable import PilothouseCore

/// Inputs the parser must refuse, each with the line it must point at.
@Suite("UnifiedDiff malformed input")
struct UnifiedDiffMalformedTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        let line: Int
        let messageContains: String
        var testDescription: String { name }
    }

    static let header = "diff --git a/x b/x\n--- a/x\n+++ b/x\n"

    static let cases: [Case] = [
        Case(
            name: "hunk before any header", input: "@@ -1 +1 @@\n-a\n+b\n", line: 1,
            messageContains: "before any file header"),
        Case(
            name: "leading junk", input: "hello\n" + header + "@@ -1 +1 @@\n-a\n+b\n", line: 1,
            messageContains: "expected a file header"),
        Case(
            name: "--- without +++", input: "diff --git a/x b/x\n--- a/x\n", line: 3,
            messageContains: "'+++ '"),
        Case(name: "+++ but no hunk", input: header, line: 4, messageContains: "expected a hunk header"),
        Case(
            name: "hunk without ---/+++",
            input: "diff --git a/x b/x\nindex 1..2 100644\n@@ -1 +1 @@\n-a\n+b\n", line: 3,
            messageContains: "before the first hunk"),
        Case(
            name: "truncated hunk", input: header + "@@ -1,2 +1,2 @@\n-a\n+b\n", line: 7,
            messageContains: "ended early"),
        Case(
            name: "header counts too small", input: header + "@@ -1 +1 @@\n-a\n+b\n+c\n", line: 7,
            messageContains: "expected a hunk line"),
        Case(
            name: "extra added line", input: header + "@@ -1,2 +1 @@\n+a\n+b\n", line: 6,
            messageContains: "found an added line"),
        Case(
            name: "extra removed line", input: header + "@@ -1 +1,3 @@\n-a\n-b\n", line: 6,
            messageContains: "found a removed line"),
        Case(
            name: "context beyond counts", input: header + "@@ -1 +1,2 @@\n-a\n c\n", line: 6,
            messageContains: "found a context line"),
        Case(
            name: "bad line prefix in hunk", input: header + "@@ -1,2 +1,2 @@\n a\n*b\n", line: 6,
            messageContains: "starting with ' ', '+', '-'"),
        Case(
            name: "malformed hunk header", input: header + "@@ -x +1 @@\n", line: 4,
            messageContains: "hunk header like"),
        Case(
            name: "hunk header without closing @@", input: header + "@@ -1 +1\n-a\n+b\n", line: 4,
            messageContains: "hunk header like"),
        Case(
            name: "huge number", input: header + "@@ -99999999999999999999999 +1 @@\n", line: 4,
            messageContains: "too large"),
        Case(
            name: "huge count then end", input: header + "@@ -1,1000000 +1,1000000 @@\n a\n", line: 6,
            messageContains: "ended early"),
        Case(
            name: "combined diff", input: "diff --cc x\nindex 1,2..3\n", line: 1, messageContains: "combined"),
        Case(
            name: "combined hunk", input: header + "@@@ -1 -1 +1 @@@\n", line: 4, messageContains: "combined"),
        Case(
            name: "bad escape in quoted name", input: "diff --git \"a/x\\q\" \"b/x\"\nnew file mode 100644\n",
            line: 1, messageContains: "invalid escape"),
        Case(
            name: "unterminated quoted name", input: "diff --git \"a/x b/x\nnew file mode 100644\n", line: 1,
            messageContains: "no closing"),
        Case(
            name: "bare git header", input: "diff --git a/x b/x\n", line: 2,
            messageContains: "extended header"),
        Case(
            name: "bad mode", input: "diff --git a/x b/x\nold mode 10064x\nnew mode 100755\n", line: 2,
            messageContains: "octal file mode"),
        Case(
            name: "bad similarity",
            input: "diff --git a/x b/y\nsimilarity index 200%\nrename from x\nrename to y\n", line: 2,
            messageContains: "percentage"),
        Case(
            name: "bad index line", input: "diff --git a/x b/x\nindex nothex\n", line: 2,
            messageContains: "index <hash>"),
        Case(
            name: "binary patch cut short",
            input: "diff --git a/x b/x\nindex 1..2\nGIT binary patch\nliteral 3\nzcmV\n", line: 6,
            messageContains: "empty line"),
        Case(
            name: "binary patch without block", input: "diff --git a/x b/x\nGIT binary patch\nfoo\n", line: 3,
            messageContains: "literal <size>"),
        Case(
            name: "binary block without data", input: "diff --git a/x b/x\nGIT binary patch\nliteral 3\n\n",
            line: 4, messageContains: "base85"),
        Case(
            name: "--- disagrees with header",
            input: "diff --git a/x b/x\n--- a/y\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", line: 2,
            messageContains: "'y'"),
        Case(
            name: "+++ disagrees with header",
            input: "diff --git a/x b/x\n--- a/x\n+++ b/.git/hooks/x\n@@ -1 +1 @@\n-a\n+b\n", line: 3,
            messageContains: ".git/hooks"),
        Case(
            name: "marker without a line", input: header + "@@ -0,0 +0,0 @@\n\\ No newline at end of file\n",
            line: 5, messageContains: "must follow"),
        Case(
            name: "two markers",
            input: header
                + "@@ -1 +1 @@\n-a\n\\ No newline at end of file\n\\ No newline at end of file\n+b\n",
            line: 7, messageContains: "must follow"),
        Case(
            name: "blank line after hunk", input: header + "@@ -1 +1 @@\n-a\n+b\n\n", line: 7,
            messageContains: "expected a hunk line"),
        Case(
            name: "added and deleted", input: "--- /dev/null\n+++ /dev/null\n@@ -0,0 +0,0 @@\n", line: 1,
            messageContains: "both added and deleted"),
        Case(
            name: "no usable name", input: "diff --git a/x b/yy\nold mode 100644\nnew mode 100755\n", line: 1,
            messageContains: "could not tell"),
        Case(
            name: "quote inside unquoted name", input: "diff --git a/x\"y b/x\"y\nold mode 100644\n", line: 1,
            messageContains: "'\"'"),
        Case(
            name: "empty name", input: "--- \n+++ b/x\n@@ -0,0 +1 @@\n+a\n", line: 1,
            messageContains: "expected a file name"),
        Case(
            name: "bad Binary files line", input: "diff --git a/x b/x\nBinary files a/x and b/x\n", line: 2,
            messageContains: "differ"),
        Case(
            name: "junk between files", input: header + "@@ -1 +1 @@\n-a\n+b\nOnly in x: y\n" + header,
            line: 7, messageContains: "expected a hunk line"),
    ]

    @Test(arguments: cases)
    func refusesWithLineNumber(_ testCase: Case) {
        do {
            let diff = try UnifiedDiff(parsing: Array(testCase.input.utf8))
            Issue.record("parsed into \(diff.files.count) file(s) instead of failing")
        } catch {
            #expect(error.line == testCase.line, "\(error)")
            #expect(error.message.contains(testCase.messageContains), "\(error)")
            #expect(error.description.hasPrefix("line \(testCase.line): "))
        }
    }

    @Test func emptyInputIsAnEmptyDiff() throws {
        let diff = try UnifiedDiff(parsing: [UInt8]())
        #expect(diff.files.isEmpty && diff.render().isEmpty && diff.stats == DiffStats())
    }

    @Test func preambleIsKeptWhenAllowed() throws {
        let text =
            "From abc Mon Sep 17 00:00:00 2001\nSubject: x\n\n---\n x | 2 +-\n\n" + Self.header
            + "@@ -1 +1 @@\n-a\n+b\n"
        let diff = try UnifiedDiff(parsing: Array(text.utf8), allowingPreamble: true)
        #expect(diff.files.count == 1)
        #expect(String(decoding: diff.preamble, as: UTF8.self).hasPrefix("From abc"))
        #expect(diff.render() == Array(text.utf8))
    }

    @Test func crlfDiffParsesAndRoundTrips() throws {
        let text =
            "diff --git a/w.txt b/w.txt\r\nindex 1111111..2222222 100644\r\n--- a/w.txt\r\n+++ b/w.txt\r\n"
            + "@@ -1,2 +1,2 @@ section\r\n one\r\n-two\r\n+TWO\r\n"
        let diff = try UnifiedDiff(parsing: Array(text.utf8))
        let file = try #require(diff.files.first)
        #expect(file.path == "w.txt" && file.oldMode == "100644")
        #expect(file.hunks[0].section == "section")
        #expect(file.hunks[0].lines.map(\.text) == ["one", "two", "TWO"])
        #expect(diff.render() == Array(text.utf8))
    }

    @Test func quotedNamesAreDecoded() throws {
        let text =
            "diff --git \"a/t\\303\\251st\" \"b/t\\303\\251st\"\nnew file mode 100644\nindex 0000000..1111111\n"
            + "--- /dev/null\n+++ \"b/t\\303\\251st\"\n@@ -0,0 +1 @@\n+hi\n"
            + "diff --git a/plain \"b/tab\\there\"\nsimilarity index 100%\nrename from plain\nrename to \"tab\\there\"\n"
        let diff = try UnifiedDiff(parsing: Array(text.utf8))
        #expect(diff.files.map(\.path) == ["tést", "tab\there"])
        #expect(diff.files[1].change == .renamed(similarity: 100))
        #expect(diff.files[1].oldPath == "plain")
    }

    @Test func missingFinalNewlineRoundTrips() throws {
        let text = Self.header + "@@ -1 +1 @@\n-a\n+b"
        let diff = try UnifiedDiff(parsing: Array(text.utf8))
        #expect(diff.files[0].hunks[0].lines.last?.hasNewline == false)
        #expect(diff.render() == Array(text.utf8))
    }

    @Test func emptyContextLineCounts() throws {
        let text = Self.header + "@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n"
        let diff = try UnifiedDiff(parsing: Array(text.utf8))
        #expect(diff.files[0].hunks[0].lines.map(\.kind) == [.context, .context, .removed, .added])
        #expect(diff.files[0].hunks[0].lines[1].text == "")
    }

    @Test func symlinkModeIsVisible() throws {
        let text =
            "diff --git a/link b/link\nnew file mode 120000\nindex 0000000..1111111\n--- /dev/null\n+++ b/link\n"
            + "@@ -0,0 +1 @@\n+../../etc/passwd\n\\ No newline at end of file\n"
        let diff = try UnifiedDiff(parsing: Array(text.utf8))
        #expect(diff.files[0].isSymlink && diff.files[0].change == .added)
    }
}
