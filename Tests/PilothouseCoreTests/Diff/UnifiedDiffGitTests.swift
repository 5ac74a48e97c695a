import Foundation
import Testing

@testable import PilothouseCore

/// Diffs produced by a real git, covering every kind of file change the parser must recognize.
@Suite("UnifiedDiff on real git output")
struct UnifiedDiffGitTests {
    /// Builds a repository whose staged change has one of everything, and returns it with the
    /// staged diff (`--binary` or not).
    static func makeChangedRepo() throws -> ScratchRepo {
        let repo = try ScratchRepo()
        let hello = (1...30).map { "line \($0)\n" }.joined()
        try repo.write("hello.txt", hello)
        try repo.write("old name.txt", (1...10).map { "rename me \($0)\n" }.joined())
        try repo.write("script.sh", "#!/bin/sh\necho hi\n")
        try repo.write("gone.txt", "bye\n")
        try repo.write("noeol.txt", "a\nb\n")
        try repo.write("latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x0A, 0x6E, 0x61, 0xEF, 0x76, 0x65, 0x0A])
        try repo.write("crlf.txt", "one\r\ntwo\r\nthree\r\n")
        try repo.write("image.bin", (0..<256).map { UInt8($0) })
        try repo.write("tést file.txt", "unicode\n")
        try repo.write("my file.txt", "spaces\n")
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "base")

        var lines = (1...30).map { "line \($0)" }
        lines.insert(contentsOf: ["inserted A", "inserted B"], at: 2)
        lines[26] = "line 25 changed"
        try repo.write("hello.txt", lines.map { $0 + "\n" }.joined())
        try repo.git("mv", "old name.txt", "new name.txt")
        try repo.write(
            "new name.txt", (1...10).map { $0 == 5 ? "renamed 5\n" : "rename me \($0)\n" }.joined())
        try repo.run(["chmod", "+x", "script.sh"])
        try repo.git("rm", "-q", "gone.txt")
        try repo.write("noeol.txt", "a\nb\nc")
        try repo.write(
            "latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x21, 0x0A, 0x6E, 0x61, 0xEF, 0x76, 0x65, 0x0A])
        try repo.write("crlf.txt", "one\r\nTWO\r\nthree\r\n")
        try repo.write("image.bin", (0..<256).map { UInt8(255 - $0) })
        try repo.write("new.bin", [0, 1, 2, 3, 0, 0, 255])
        try repo.write("tést file.txt", "unicode\nmore\n")
        try repo.write("my file.txt", "spaces!\n")
        try repo.write("added.txt", "fresh\nfile\n")
        try repo.write("empty.txt", [])
        try repo.git("add", "-A")
        return repo
    }

    static func stagedDiff(_ repo: ScratchRepo, binary: Bool) throws -> [UInt8] {
        try repo.git("diff", "--cached", "-M", "HEAD", binary ? "--binary" : "--no-color")
    }

    private func file(_ diff: UnifiedDiff, _ path: String) throws -> FileDiff {
        try #require(diff.files.first { $0.path == path }, "no file \(path) in \(diff.files.map(\.path))")
    }

    @Test func parsesEveryKindOfChange() throws {
        let repo = try Self.makeChangedRepo()
        defer { repo.remove() }
        let diff = try UnifiedDiff(parsing: Self.stagedDiff(repo, binary: true))

        #expect(diff.files.count == 13)
        #expect(diff.preamble.isEmpty)

        let hello = try file(diff, "hello.txt")
        #expect(hello.change == .modified)
        #expect(hello.oldPath == "hello.txt")
        #expect(hello.hasGitHeader)
        #expect(hello.hunks.count == 2)
        #expect(hello.linesAdded == 3)
        #expect(hello.linesRemoved == 1)
        #expect(hello.hunks[0].oldStart == 1 && hello.hunks[0].newStart == 1)
        #expect(hello.hunks[0].oldCount == 5 && hello.hunks[0].newCount == 7)
        #expect(hello.hunks[1].oldStart == 22 && hello.hunks[1].newStart == 24)
        #expect(hello.hunks[1].lines.contains { $0.kind == .added && $0.text == "line 25 changed" })
        #expect(hello.hunks[1].lines.contains { $0.kind == .removed && $0.text == "line 25" })
        #expect(hello.hunks[1].section == "line 21")

        let renamed = try file(diff, "new name.txt")
        #expect(renamed.oldPath == "old name.txt")
        guard case .renamed(let similarity) = renamed.change else {
            Issue.record("expected a rename, got \(renamed.change)")
            return
        }
        #expect((50...99).contains(similarity ?? 0))
        #expect(renamed.hunks.count == 1)

        let script = try file(diff, "script.sh")
        #expect(script.change == .modified)
        #expect(script.oldMode == "100644" && script.newMode == "100755")
        #expect(script.hunks.isEmpty)

        let gone = try file(diff, "gone.txt")
        #expect(gone.change == .deleted)
        #expect(gone.newPath == nil && gone.oldPath == "gone.txt")
        #expect(gone.oldMode == "100644" && gone.newMode == nil)
        #expect(gone.linesRemoved == 1)

        let noEOL = try file(diff, "noeol.txt")
        #expect(noEOL.hunks[0].lines.map(\.kind) == [.context, .context, .added, .noNewlineMarker])
        #expect(noEOL.hunks[0].lines.last?.text == "No newline at end of file")

        let latin1 = try file(diff, "latin1.txt")
        let removed = try #require(latin1.hunks[0].lines.first { $0.kind == .removed })
        #expect(removed.raw == [0x2D, 0x63, 0x61, 0x66, 0xE9, 0x0A])
        #expect(Array(removed.content) == [0x63, 0x61, 0x66, 0xE9])
        #expect(removed.text == "caf\u{FFFD}")

        let crlf = try file(diff, "crlf.txt")
        let added = try #require(crlf.hunks[0].lines.first { $0.kind == .added })
        #expect(added.text == "TWO")
        #expect(added.raw == Array("+TWO\r\n".utf8))

        let image = try file(diff, "image.bin")
        #expect(image.binary == .gitBinaryPatch && image.change == .modified && image.hunks.isEmpty)
        let newBinary = try file(diff, "new.bin")
        #expect(newBinary.binary == .gitBinaryPatch && newBinary.change == .added && newBinary.oldPath == nil)
        #expect(newBinary.newMode == "100644")

        let unicode = try file(diff, "tést file.txt")
        #expect(unicode.oldPath == "tést file.txt")
        #expect(unicode.linesAdded == 1)
        #expect(try file(diff, "my file.txt").change == .modified)

        let fresh = try file(diff, "added.txt")
        #expect(
            fresh.change == .added && fresh.oldPath == nil && fresh.oldMode == nil
                && fresh.newMode == "100644")
        #expect(fresh.hunks.first?.oldStart == 0 && fresh.hunks.first?.newCount == 2)
        let empty = try file(diff, "empty.txt")
        #expect(empty.change == .added && empty.hunks.isEmpty && empty.binary == nil)

        #expect(diff.stats == DiffStats(filesChanged: 13, linesAdded: 11, linesRemoved: 6))
    }

    @Test func binaryWithoutBinaryFlagIsMarkedDiffer() throws {
        let repo = try Self.makeChangedRepo()
        defer { repo.remove() }
        let diff = try UnifiedDiff(parsing: Self.stagedDiff(repo, binary: false))
        #expect(try file(diff, "image.bin").binary == .filesDiffer)
        let newBinary = try file(diff, "new.bin")
        #expect(newBinary.binary == .filesDiffer && newBinary.change == .added)
    }

    @Test(arguments: [true, false])
    func renderReproducesGitOutputByteForByte(binary: Bool) throws {
        let repo = try Self.makeChangedRepo()
        defer { repo.remove() }
        let bytes = try Self.stagedDiff(repo, binary: binary)
        #expect(try UnifiedDiff(parsing: bytes).render() == bytes)
        #expect(try UnifiedDiff(parsing: Data(bytes)).render() == bytes)
    }

    @Test func wholeDiffAppliesToTheBase() throws {
        let repo = try Self.makeChangedRepo()
        defer { repo.remove() }
        let diff = try UnifiedDiff(parsing: Self.stagedDiff(repo, binary: true))
        try repo.git("reset", "-q", "--hard", "HEAD")
        try repo.write(".git/whole.patch", diff.render())
        try repo.git("apply", "--check", ".git/whole.patch")
    }

    @Test func selectedHunksApplyAlone() throws {
        let repo = try Self.makeChangedRepo()
        defer { repo.remove() }
        let diff = try UnifiedDiff(parsing: Self.stagedDiff(repo, binary: true))
        let helloIndex = try #require(diff.files.firstIndex { $0.path == "hello.txt" })
        let latinIndex = try #require(diff.files.firstIndex { $0.path == "latin1.txt" })
        let goneIndex = try #require(diff.files.firstIndex { $0.path == "gone.txt" })
        try repo.git("reset", "-q", "--hard", "HEAD")

        // Only the second hello.txt hunk: its new start moves back by the two lines the
        // dropped first hunk would have inserted.
        let second = diff.selecting(hunks: [HunkID(file: helloIndex, hunk: 1)])
        #expect(second.files.count == 1)
        #expect(second.files[0].hunks[0].newStart == 22)
        #expect(second.files[0].hunks[0].header == "@@ -22,7 +22,7 @@ line 21")
        let patch = ".git/second.patch"
        try repo.write(patch, second.render())
        try repo.git("apply", "--check", patch)
        try repo.git("apply", patch)
        // Git writes exactly this hunk for the change we applied (the index line differs: the
        // new blob is another one).
        let gitHunks = try UnifiedDiff(parsing: repo.git("diff", "--no-color", "hello.txt")).files[0].hunks
        let body = { (hunks: [Hunk]) in hunks.map { $0.rawHeader + $0.lines.flatMap(\.raw) } }
        #expect(body(gitHunks) == body(second.files[0].hunks))
        try repo.git("checkout", "--", "hello.txt")

        let several = diff.selecting(hunks: [
            HunkID(file: helloIndex, hunk: 0), HunkID(file: latinIndex, hunk: 0),
            HunkID(file: goneIndex, hunk: 0),
            HunkID(file: 999, hunk: 0),
        ])
        #expect(several.files.map(\.path).sorted() == ["gone.txt", "hello.txt", "latin1.txt"])
        #expect(several.stats == DiffStats(filesChanged: 3, linesAdded: 3, linesRemoved: 2))
        let severalPatch = ".git/several.patch"
        try repo.write(severalPatch, several.render())
        try repo.git("apply", "--check", severalPatch)
        try repo.git("apply", severalPatch)
        let hello = String(decoding: try repo.read("hello.txt"), as: UTF8.self)
        #expect(hello.contains("inserted A") && !hello.contains("line 25 changed"))
        #expect(!FileManager.default.fileExists(atPath: repo.root.appendingPathComponent("gone.txt").path))

        #expect(diff.selecting(hunks: []).files.isEmpty)
        #expect(try UnifiedDiff(parsing: diff.selecting(hunks: Set(diff.hunkIDs)).render()).files.count == 9)
    }

    @Test func plainDiffUnifiedOutput() throws {
        let repo = try ScratchRepo()
        defer { repo.remove() }
        try repo.write("left/a.txt", "one\ntwo\nthree\n")
        try repo.write("right/a.txt", "one\n2\nthree\n")
        try repo.write("right/b.txt", "new\n")
        let single = try repo.run(["diff", "-u", "left/a.txt", "right/a.txt"], allowing: [1])
        let parsed = try UnifiedDiff(parsing: single)
        #expect(parsed.files.count == 1)
        #expect(parsed.files[0].oldPath == "left/a.txt" && parsed.files[0].newPath == "right/a.txt")
        #expect(!parsed.files[0].hasGitHeader)
        #expect(parsed.render() == single)

        let tree = try repo.run(["diff", "-ruN", "left", "right"], allowing: [1])
        let parsedTree = try UnifiedDiff(parsing: tree)
        #expect(parsedTree.files.map(\.change) == [.modified, .modified])  // -N shows b.txt as empty→new
        #expect(parsedTree.files[1].newPath == "right/b.txt")
        #expect(parsedTree.render() == tree)
    }
}
