import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

@Suite struct ImplementStageTests {
    @Test func appliesScriptedEditsAndStoresTheCanonicalPatch() async throws {
        let sandbox = try GitSandbox(files: ["app.py": Array("def f():\n    return OLD\n".utf8)])
        let job = Job(title: "fix", goal: "Fix: replace `OLD` with `NEW` in app.py")
        let model = ScriptedModel(
            text: "app.py\n<<<<<<< SEARCH\n    return OLD\n=======\n    return NEW\n>>>>>>> REPLACE\n")
        let recorder = StageRecorder()
        let context = await makeContext(
            job: job, stage: .implement, recorder: recorder, model: model, root: sandbox.root)
        let output = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(
            context)
        #expect(output == .patch(PatchSummary(attempt: 1, filesChanged: 1, linesAdded: 1, linesRemoved: 1)))
        let patch = try #require(await recorder.latest)
        #expect(patch.baseCommit == (try sandbox.git("rev-parse", "main")))
        #expect(String(decoding: patch.diff, as: UTF8.self).contains("-    return OLD\n+    return NEW\n"))
        // The model call is recorded (with its cost, for the console); patch_produced is the
        // store's bead, written with the patch (SQLiteStore.savePatch).
        #expect(await recorder.beads.map(\.0) == [.modelCalled])
    }

    /// Edits of existing files need no intent-to-add; a block that creates a file does, and its
    /// file is in the patch beside the changed one.
    @Test func aPatchHoldsNewFilesAndOnlyEditsOfExistingOnesSkipIntentToAdd() async throws {
        let sandbox = try GitSandbox(files: ["app.py": Array("OLD\n".utf8), "lib/a.py": Array("a\n".utf8)])
        let worktree = try sandbox.worktrees.prepare(job: JobID(), base: "main")
        try FileManager.default.createSymbolicLink(
            atPath: worktree.path + "/link.py", withDestinationPath: worktree.path + "/app.py")
        func blocks(_ paths: String...) -> ModelEdits {
            .blocks(paths.map { EditBlock(path: $0, search: "", replace: "x\n", line: 1) })
        }
        #expect(!ImplementStage.mayCreateFiles(blocks("app.py", "lib/a.py", "./app.py"), in: worktree))
        #expect(ImplementStage.mayCreateFiles(blocks("app.py", "lib/new.py"), in: worktree))
        #expect(ImplementStage.mayCreateFiles(blocks("new/deep/file.py"), in: worktree))
        #expect(ImplementStage.mayCreateFiles(blocks("lib"), in: worktree))
        #expect(ImplementStage.mayCreateFiles(blocks("link.py"), in: worktree))
        #expect(ImplementStage.mayCreateFiles(blocks("../outside.py"), in: worktree))
        #expect(ImplementStage.mayCreateFiles(.unifiedDiff([]), in: worktree))

        let job = Job(title: "two files", goal: "g")
        let model = ScriptedModel(
            text:
                "app.py\n<<<<<<< SEARCH\nOLD\n=======\nNEW\n>>>>>>> REPLACE\nlib/b.py\n<<<<<<< SEARCH\n=======\nb\n>>>>>>> REPLACE\n"
        )
        let recorder = StageRecorder()
        let context = await makeContext(
            job: job, stage: .implement, recorder: recorder, model: model, root: sandbox.root)
        let output = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(
            context)
        #expect(output == .patch(PatchSummary(attempt: 1, filesChanged: 2, linesAdded: 2, linesRemoved: 1)))
        let diff = String(decoding: try #require(await recorder.latest).diff, as: UTF8.self)
        #expect(diff.contains("-OLD\n+NEW\n"))
        #expect(diff.contains("new file mode 100644") && diff.contains("+++ b/lib/b.py\n@@ -0,0 +1 @@\n+b\n"))
    }

    @Test func promptShowsGoalAndFiles() throws {
        let job = Job(title: "t", goal: "Fix: replace `a` with `b` in x.py")
        let messages = ImplementPrompt.messages(
            job: job, files: [.init(path: "x.py", content: "a\n")], plan: nil, feedback: nil,
            previousPatch: nil)
        #expect(messages[1].content.contains("Fix: replace `a` with `b` in x.py"))
        #expect(messages[1].content.contains("=== FILE: x.py ===\na\n=== END FILE ==="))
        #expect(ImplementPrompt.mentionedPaths(in: job.goal) == ["x.py"])
    }

    @Test func escapingEditsAreQuarantinedAndNothingOutsideChanges() async throws {
        let sandbox = try GitSandbox()
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/.pilothouse-link-target", withDestinationPath: sandbox.outside)
        for answer in [
            "../../../outside/x.txt\n<<<<<<< SEARCH\n=======\npwned\n>>>>>>> REPLACE\n",
            "\(sandbox.outside)/x.txt\n<<<<<<< SEARCH\n=======\npwned\n>>>>>>> REPLACE\n",
            ".git/config\n<<<<<<< SEARCH\n=======\n[core]\n>>>>>>> REPLACE\n",
            "```diff\n--- /dev/null\n+++ b/../../../outside/y.txt\n@@ -0,0 +1 @@\n+pwned\n```\n",
        ] {
            let job = Job(title: "t", goal: "g")
            let recorder = StageRecorder()
            let context = await makeContext(
                job: job, stage: .implement, recorder: recorder, model: ScriptedModel(text: answer),
                root: sandbox.root)
            await #expect(throws: StageFailure.self) {
                try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(context)
            }
            do {
                _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(
                    context)
            } catch {
                guard case .quarantine(let reason, _, _) = error else {
                    Issue.record("expected quarantine for \(answer), got \(error)")
                    continue
                }
                #expect(reason == .pathEscape || reason == .malformedOutput, "\(answer)")
            }
            #expect(await recorder.patches.isEmpty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.outside).isEmpty)
        #expect(
            sandbox.read(".git/config").map { String(decoding: $0, as: UTF8.self).contains("[core]") } == true
        )
    }

    @Test func aSecretIsNeverStoredAndTheWorktreeIsRemoved() async throws {
        let sandbox = try GitSandbox()
        let job = Job(title: "t", goal: "g")
        let recorder = StageRecorder()
        let answer = "settings.py\n<<<<<<< SEARCH\n=======\nAWS = \"AKIAIOSFODNN7EXAMPLE\"\n>>>>>>> REPLACE\n"
        let context = await makeContext(
            job: job, stage: .implement, recorder: recorder, model: ScriptedModel(text: answer),
            root: sandbox.root)
        let failure = try await #require(throws: StageFailure.self) {
            _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(context)
        }
        let payload = try #require(
            Self.quarantinePayload(failure, reason: .secretDetected),
            "expected a secret quarantine, got \(failure)")
        #expect(!payload.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(await recorder.patches.isEmpty)
        let grep = try sandbox.gitArgs(["grep", "-r", "AKIAIOSFODNN7EXAMPLE"], allowFailure: true)
        #expect(grep.isEmpty)
        // Not even as a loose object in the shared object database.
        let objects = sandbox.root + "/.git/objects"
        for file in FileManager.default.enumerator(atPath: objects)?.compactMap({ $0 as? String }) ?? []
        where file.count == 41 && file.contains("/") {
            let object = file.replacingOccurrences(of: "/", with: "")
            let content = try sandbox.git("cat-file", "-p", object)
            #expect(!content.contains("AKIAIOSFODNN7EXAMPLE"))
        }
        let home = sandbox.root + "/.pilothouse"
        let leftovers = FileManager.default.enumerator(atPath: home)?.compactMap { $0 as? String } ?? []
        for file in leftovers {
            let content = FileManager.default.contents(atPath: home + "/" + file) ?? Data()
            #expect(content.firstRange(of: Data("AKIAIOSFODNN7EXAMPLE".utf8)) == nil, "\(file)")
        }
    }

    @Test func malformedAnswersAreQuarantinedRedacted() async throws {
        let sandbox = try GitSandbox()
        let recorder = StageRecorder()
        let context = await makeContext(
            job: Job(title: "t", goal: "g"), stage: .implement, recorder: recorder,
            model: ScriptedModel(
                text: "I cannot do that. My key is sk-ant-api03-abcdefghij0123456789ABCDEFGHIJ"),
            root: sandbox.root)
        let failure = try await #require(throws: StageFailure.self) {
            _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(context)
        }
        let payload = try #require(
            Self.quarantinePayload(failure, reason: .malformedOutput),
            "expected malformed output, got \(failure)")
        #expect(payload.contains("[REDACTED:anthropic_key]"))
    }

    /// The payload of a quarantine for `reason`; nil for any other failure.
    static func quarantinePayload(_ failure: StageFailure, reason: QuarantineReason) -> String? {
        guard case .quarantine(let actual, _, let payload) = failure, actual == reason else { return nil }
        return payload
    }
}

@Suite struct MergeStageTests {
    /// Runs implement then merge for a job that replaces `README.md` with `content`.
    func implement(
        _ sandbox: GitSandbox, _ job: Job, search: String, replace: String, file: String = "README.md"
    )
        async throws -> StageRecorder
    {
        let recorder = StageRecorder()
        let answer = "\(file)\n<<<<<<< SEARCH\n\(search)=======\n\(replace)>>>>>>> REPLACE\n"
        let context = await makeContext(
            job: job, stage: .implement, recorder: recorder, model: ScriptedModel(text: answer),
            root: sandbox.root)
        _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "integration").run(
            context)
        return recorder
    }

    func merge(
        _ sandbox: GitSandbox, _ job: Job, _ recorder: StageRecorder, hunks: [Int]? = nil,
        settings: WorkspaceSection = WorkspaceSection(), branch: String = "integration"
    ) async throws(StageFailure) -> StageOutput {
        let context = await makeContext(
            job: job, stage: .merge, recorder: recorder, root: sandbox.root, approvedHunks: hunks)
        return try await MergeStage(
            worktrees: sandbox.worktrees, settings: settings, integrationBranch: branch,
            approvalBead: { _ in "bead-123" }
        ).run(context)
    }

    func operatorState(_ sandbox: GitSandbox) throws -> (Data?, [UInt8]?, String, String) {
        (
            FileManager.default.contents(atPath: sandbox.root + "/.git/index"), sandbox.read("README.md"),
            try sandbox.git("status", "--porcelain"), try sandbox.git("rev-parse", "HEAD")
        )
    }

    @Test func mergesWithTrailersLeavingTheOperatorTreeAndIndexAlone() async throws {
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9] + Array("\n".utf8)
        let sandbox = try GitSandbox(files: ["README.md": Array("hello\n".utf8), "latin.txt": latin1])
        try sandbox.git("branch", "integration")
        // The operator is mid-work on main: a modified file and a staged one.
        try sandbox.write("README.md", "operator edit\n")
        try sandbox.write("staged.txt", "staged\n")
        try sandbox.git("add", "staged.txt")
        let before = try operatorState(sandbox)

        let job = Job(title: "Improve latin", goal: "g")
        // The file is not UTF-8, so the model appends (empty SEARCH) rather than quoting it.
        let recorder2 = StageRecorder()
        let answer = "latin.txt\n<<<<<<< SEARCH\n=======\nmore\n>>>>>>> REPLACE\n"
        let context = await makeContext(
            job: job, stage: .implement, recorder: recorder2, model: ScriptedModel(text: answer),
            root: sandbox.root)
        _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "integration").run(
            context)

        let output = try await merge(sandbox, job, recorder2)
        guard case .merged(let mergeCommit) = output else {
            Issue.record("expected merged")
            return
        }
        #expect(try sandbox.git("rev-parse", "integration") == mergeCommit)
        let body = try sandbox.git("log", "-1", "--format=%B", mergeCommit + "^2")
        #expect(body.contains("Pilothouse-Job: \(job.id.rawValue)"))
        #expect(body.contains("Pilothouse-Bead: bead-123"))
        let merged = try GitRunner().run(["show", "integration:latin.txt"], in: sandbox.root).stdout
        #expect([UInt8](merged) == latin1 + Array("more\n".utf8))
        let after = try operatorState(sandbox)
        #expect(after.0 == before.0)
        #expect(after.1 == before.1)
        #expect(after.2 == before.2)
        #expect(after.3 == before.3)
        // The worktree is gone (retention = remove).
        #expect(try sandbox.worktrees.existing(job: job.id) == nil)

        // Running merge again (a restart after a crash) neither fails nor merges twice.
        let again = try await merge(sandbox, job, recorder2)
        #expect(again == .merged(commit: mergeCommit))
        #expect(try sandbox.git("rev-list", "--count", "integration") == "3")
    }

    @Test func aConflictGoesBackToImplementWithTheMergedTextAndARetryMerges() async throws {
        let sandbox = try GitSandbox()
        try sandbox.git("branch", "integration")
        let first = Job(title: "one", goal: "g")
        let second = Job(title: "two", goal: "g")
        let r1 = try await implement(sandbox, first, search: "hello\n", replace: "hello one\n")
        let r2 = try await implement(sandbox, second, search: "hello\n", replace: "hello two\n")
        _ = try await merge(sandbox, first, r1)
        do {
            _ = try await merge(sandbox, second, r2)
            Issue.record("expected a conflict")
        } catch {
            guard case .sentBack(let back) = error else {
                Issue.record("expected the job sent back, got \(error)")
                return
            }
            #expect(back.reason == .conflict)
            #expect(back.message.contains("README.md"))
            #expect(back.feedback.contains("hello one") && back.feedback.contains("hello two"))
        }
        // The job that did not land keeps its approved patch on its branch; the landed one has none.
        let branch = WorktreeManager.branch(for: second.id)
        #expect(try sandbox.git("show", branch + ":README.md") == "hello two")
        #expect(try sandbox.git("rev-parse", branch + "^") == sandbox.git("rev-parse", "integration^1"))
        #expect(try sandbox.gitArgs(["branch", "--list", WorktreeManager.branch(for: first.id)]).isEmpty)
        // The retry re-implements on the new tip, then merges cleanly, and its branch goes.
        let retry = try await implement(
            sandbox, second, search: "hello one\n", replace: "hello one and two\n")
        _ = try await merge(sandbox, second, retry)
        #expect(try sandbox.git("show", "integration:README.md") == "hello one and two")
        #expect(try sandbox.gitArgs(["branch", "--list", branch]).isEmpty)
    }

    @Test func partialApprovalCommitsOnlyTheChosenHunks() async throws {
        let lines = (1...30).map { "line \($0)\n" }.joined()
        let sandbox = try GitSandbox(files: ["big.txt": Array(lines.utf8)])
        try sandbox.git("branch", "integration")
        let job = Job(title: "two hunks", goal: "g")
        let recorder = StageRecorder()
        let answer =
            "big.txt\n<<<<<<< SEARCH\nline 2\n=======\nline two\n>>>>>>> REPLACE\nbig.txt\n<<<<<<< SEARCH\nline 29\n=======\nline twenty-nine\n>>>>>>> REPLACE\n"
        let context = await makeContext(
            job: job, stage: .implement, recorder: recorder, model: ScriptedModel(text: answer),
            root: sandbox.root)
        _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "integration").run(
            context)
        _ = try await merge(sandbox, job, recorder, hunks: [1])
        let result = try sandbox.git("show", "integration:big.txt")
        #expect(result.contains("line 2\n"))
        #expect(result.contains("line twenty-nine"))
    }

    @Test func checkedOutIntegrationBranchIsRefusedUnlessAllowedAndClean() async throws {
        let sandbox = try GitSandbox()
        let job = Job(title: "t", goal: "g")
        let recorder = StageRecorder()
        let answer = "README.md\n<<<<<<< SEARCH\nhello\n=======\nhi\n>>>>>>> REPLACE\n"
        let context = await makeContext(
            job: job, stage: .implement, recorder: recorder, model: ScriptedModel(text: answer),
            root: sandbox.root)
        _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(context)
        let head = try sandbox.git("rev-parse", "HEAD")
        do {
            _ = try await merge(sandbox, job, recorder, branch: "main")
            Issue.record("expected a refusal")
        } catch {
            guard case .fatal(let message) = error else {
                Issue.record("expected fatal, got \(error)")
                return
            }
            #expect(message.contains("allow_checked_out_merge"))
        }
        #expect(try sandbox.git("rev-parse", "HEAD") == head)
        var allowed = WorkspaceSection()
        allowed.allowCheckedOutMerge = true
        _ = try await merge(sandbox, job, recorder, settings: allowed, branch: "main")
        #expect(sandbox.read("README.md") == Array("hi\n".utf8))
        #expect(try sandbox.git("status", "--porcelain").isEmpty)
    }

    /// `refs/pilothouse/merges/<job>` records a merge that landed; one that did not land
    /// (here: the checked-out branch is dirty) leaves no such ref behind.
    @Test func aMergeThatDidNotLandLeavesNoMergeRef() async throws {
        let sandbox = try GitSandbox()
        let job = Job(title: "t", goal: "g")
        try sandbox.git("branch", "integration")
        let recorder = try await implement(sandbox, job, search: "hello\n", replace: "hi\n")
        try sandbox.write("README.md", "operator edit\n")
        var allowed = WorkspaceSection()
        allowed.allowCheckedOutMerge = true
        await #expect(throws: StageFailure.self) {
            try await merge(sandbox, job, recorder, settings: allowed, branch: "main")
        }
        let ref = "refs/pilothouse/merges/" + job.id.rawValue
        #expect(throws: (any Error).self) { try sandbox.git("rev-parse", "--verify", "--quiet", ref) }
        // Once the tree is clean the merge lands and is recorded.
        try sandbox.git("checkout", "--", "README.md")
        _ = try await merge(sandbox, job, recorder, settings: allowed, branch: "main")
        #expect(try sandbox.git("rev-parse", ref) == (try sandbox.git("rev-parse", "HEAD")))
    }

    @Test func rollbackRevertsTheMerge() async throws {
        let sandbox = try GitSandbox()
        try sandbox.git("branch", "integration")
        let job = Job(title: "t", goal: "g")
        let recorder = try await implement(sandbox, job, search: "hello\n", replace: "changed\n")
        _ = try await merge(sandbox, job, recorder)
        #expect(try sandbox.git("show", "integration:README.md") == "changed")
        let merger = IntegrationMerger(worktrees: sandbox.worktrees, integrationBranch: "integration")
        let revert = try merger.rollback(job: job.id)
        #expect(try sandbox.git("show", "integration:README.md") == "hello")
        #expect(try sandbox.git("log", "-1", "--format=%B", "integration").contains("Pilothouse-Revert-Of:"))
        #expect(try merger.rollback(job: job.id) == revert)
        let never = JobID()
        #expect(throws: MergeError.notMerged(never)) { try merger.rollback(job: never) }
    }
}

@Suite struct MergeCrashTests {
    @Test func aCrashBetweenCommitAndMergeNeitherLosesNorDuplicates() async throws {
        let sandbox = try GitSandbox()
        try sandbox.git("branch", "integration")
        let job = Job(title: "t", goal: "g")
        let recorder = StageRecorder()
        let answer = "README.md\n<<<<<<< SEARCH\nhello\n=======\nbye\n>>>>>>> REPLACE\n"
        let context = await makeContext(
            job: job, stage: .implement, recorder: recorder, model: ScriptedModel(text: answer),
            root: sandbox.root)
        _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "integration").run(
            context)
        let patch = try #require(await recorder.latest)
        let merger = IntegrationMerger(worktrees: sandbox.worktrees, integrationBranch: "integration")
        // The first run got as far as the job commit, then the engine died.
        let commit = try merger.commitJob(
            job, diff: patch.diff, base: patch.baseCommit, trailers: [("Pilothouse-Job", "x")])
        // The rerun comes later: a commit stamped with the clock would differ from the first.
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(
            try merger.commitJob(
                job, diff: patch.diff, base: patch.baseCommit, trailers: [("Pilothouse-Job", "x")]) == commit)
        let mergeContext = await makeContext(job: job, stage: .merge, recorder: recorder, root: sandbox.root)
        let stage = MergeStage(
            worktrees: sandbox.worktrees, settings: WorkspaceSection(), integrationBranch: "integration")
        let first = try await stage.run(mergeContext)
        let second = try await stage.run(mergeContext)
        #expect(first == second)
        #expect(try sandbox.git("rev-list", "--count", "--merges", "integration") == "1")
        #expect(try sandbox.git("show", "integration:README.md") == "bye")
    }
}

@Suite struct SymlinkEscapeTests {
    @Test func aCommittedSymlinkCannotCarryEditsOutside() async throws {
        let sandbox = try GitSandbox()
        // The repository itself holds a link to a directory outside it.
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/shared", withDestinationPath: sandbox.outside)
        try sandbox.git("add", "shared")
        try sandbox.git("commit", "-q", "-m", "link")
        for answer in [
            "shared/x.txt\n<<<<<<< SEARCH\n=======\npwned\n>>>>>>> REPLACE\n",
            "```diff\n--- /dev/null\n+++ b/shared/y.txt\n@@ -0,0 +1 @@\n+pwned\n```\n",
            "```diff\ndiff --git a/link b/link\nnew file mode 120000\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+/etc\n\\ No newline at end of file\n```\n",
        ] {
            let recorder = StageRecorder()
            let context = await makeContext(
                job: Job(title: "t", goal: "g"), stage: .implement, recorder: recorder,
                model: ScriptedModel(text: answer), root: sandbox.root)
            do {
                _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(
                    context)
                Issue.record("expected a quarantine for \(answer)")
            } catch {
                guard case .quarantine(.pathEscape, _, _) = error else {
                    Issue.record("expected path_escape for \(answer), got \(error)")
                    continue
                }
            }
            #expect(await recorder.patches.isEmpty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.outside).isEmpty)
    }
}
