import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

@Suite struct WorktreeAndEditTests {
    @Test func worktreeLifecycle() throws {
        let sandbox = try GitSandbox()
        let manager = sandbox.worktrees
        let job = JobID()
        let worktree = try manager.prepare(job: job, base: "main")
        #expect(worktree.path == sandbox.root + "/.pilothouse/worktrees/" + job.rawValue)
        // Detached at the base: the job branch is only written when the job merges.
        #expect(try sandbox.git("rev-parse", "--abbrev-ref", "HEAD", in: worktree.path) == "HEAD")
        #expect(try sandbox.git("rev-parse", "HEAD", in: worktree.path) == worktree.baseCommit)
        #expect(worktree.baseCommit == (try sandbox.git("rev-parse", "main")))
        #expect(try manager.existing(job: job) == worktree)

        try sandbox.write("scratch.txt", "junk\n", in: worktree.path)
        let again = try manager.prepare(job: job, base: "main")
        #expect(again == worktree)
        #expect(sandbox.read("scratch.txt", in: worktree.path) == nil)

        try sandbox.git("branch", "pilothouse/" + job.rawValue, "main")
        try manager.finish(job: job, merged: true, retention: .remove)
        #expect(!FileManager.default.fileExists(atPath: worktree.path))
        #expect(try manager.existing(job: job) == nil)
        #expect(try sandbox.gitArgs(["branch", "--list", "pilothouse/*"]).isEmpty)
        // The operator's own tree shows nothing of it.
        #expect(try sandbox.git("status", "--porcelain").isEmpty)
    }

    @Test func editBlocksProduceTheExpectedBinaryDiff() throws {
        let latin1: [UInt8] = Array("name = \"caf".utf8) + [0xE9] + Array("\"\nold = 1\n".utf8)
        let sandbox = try GitSandbox(files: [
            "src/app.py": Array("def f():\n    return 1\n".utf8), "latin.txt": latin1,
        ])
        let worktree = try sandbox.worktrees.prepare(job: JobID(), base: "main")
        let answer = """
            src/app.py
            <<<<<<< SEARCH
                return 1
            =======
                return 2
            >>>>>>> REPLACE

            latin.txt
            <<<<<<< SEARCH
            old = 1
            =======
            old = 2
            >>>>>>> REPLACE

            docs/new.md
            <<<<<<< SEARCH
            =======
            # New
            >>>>>>> REPLACE
            """
        try EditApplier().apply(try ModelEdits.parse(answer), in: worktree)
        let diff = try sandbox.worktrees.canonicalDiff(worktree)
        let parsed = try UnifiedDiff(parsing: diff)
        #expect(parsed.files.map(\.path) == ["docs/new.md", "latin.txt", "src/app.py"])
        #expect(parsed.stats == DiffStats(filesChanged: 3, linesAdded: 3, linesRemoved: 2))
        #expect(String(decoding: diff, as: UTF8.self).contains("-    return 1\n+    return 2\n"))
        // The Latin-1 byte survives into the patch untouched.
        #expect([UInt8](diff).firstRange(of: [0xE9] + Array("\"\n-old = 1".utf8)) != nil)
        #expect(
            sandbox.read("latin.txt", in: worktree.path) == Array("name = \"caf".utf8) + [0xE9]
                + Array("\"\nold = 2\n".utf8))
    }

    @Test func unifiedDiffsApplyAndEscapesAreRefused() throws {
        let sandbox = try GitSandbox()
        let worktree = try sandbox.worktrees.prepare(job: JobID(), base: "main")
        let good = "```diff\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-hello\n+hello, world\n```\n"
        try EditApplier().apply(try ModelEdits.parse(good), in: worktree)
        #expect(sandbox.read("README.md", in: worktree.path) == Array("hello, world\n".utf8))

        let escape = "```diff\n--- /dev/null\n+++ b/../escaped.txt\n@@ -0,0 +1 @@\n+x\n```\n"
        #expect(throws: EditApplierError.self) {
            try EditApplier().apply(try ModelEdits.parse(escape), in: worktree)
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/.pilothouse/worktrees/escaped.txt"))
        let gitConfig =
            "x.txt\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n.git/config\n<<<<<<< SEARCH\n=======\n[core]\n>>>>>>> REPLACE\n"
        #expect(throws: EditApplierError.self) {
            try EditApplier().apply(try ModelEdits.parse(gitConfig), in: worktree)
        }
        // Nothing was written: the refused block stopped the whole answer.
        #expect(sandbox.read("x.txt", in: worktree.path) == nil)
    }
}
