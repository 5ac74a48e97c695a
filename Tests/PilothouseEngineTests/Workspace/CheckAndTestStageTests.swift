import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

@Suite struct CheckStageTests {
    func check(_ diff: String, policy: PolicySection = PolicySection()) async throws -> (
        StageFailure?, StageOutput?
    ) {
        let sandbox = try GitSandbox()
        let job = Job(title: "t", goal: "g")
        let recorder = StageRecorder()
        let patch = Patch(jobID: job.id, attempt: 1, baseCommit: "HEAD", diff: Data(diff.utf8))
        let context = await makeContext(
            job: job, stage: .check, recorder: recorder, root: sandbox.root, initialPatch: patch)
        do {
            return (nil, try await CheckStage(worktrees: sandbox.worktrees, policy: policy).run(context))
        } catch {
            return (error, nil)
        }
    }

    @Test func quarantinesAnAddedAWSKeyWithRedactedLines() async throws {
        let diff =
            "--- a/config.py\n+++ b/config.py\n@@ -1 +1,2 @@\n x = 1\n+AWS_KEY = \"AKIAIOSFODNN7EXAMPLE\"\n"
        let (failure, _) = try await check(diff)
        guard case .quarantine(let reason, let message, let payload)? = failure else {
            Issue.record("expected quarantine, got \(String(describing: failure))")
            return
        }
        #expect(reason == .secretDetected)
        #expect(message.contains("aws_access_key"))
        #expect(payload.contains("config.py:2: +AWS_KEY = \"[REDACTED:aws_access_key]\""))
        #expect(!payload.contains("AKIAIOSFODNN7EXAMPLE"))
    }

    @Test func quarantinesAPrivateKeyBlock() async throws {
        let diff =
            "--- /dev/null\n+++ b/deploy/key.txt\n@@ -0,0 +1,3 @@\n+-----BEGIN OPENSSH PRIVATE KEY-----\n+b3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n+-----END OPENSSH PRIVATE KEY-----\n"
        let (failure, _) = try await check(diff)
        guard case .quarantine(.secretDetected, _, let payload)? = failure else {
            Issue.record("expected a secret quarantine, got \(String(describing: failure))")
            return
        }
        #expect(!payload.contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmU"))
        #expect(payload.contains("deploy/key.txt:1:"))
    }

    @Test func quarantinesForbiddenGlobsAndSizeLimits() async throws {
        let diff = "--- /dev/null\n+++ b/.github/workflows/ci.yml\n@@ -0,0 +1 @@\n+on: push\n"
        let (failure, _) = try await check(diff)
        guard case .quarantine(.policyViolation, let message, _)? = failure else {
            Issue.record("expected a policy quarantine, got \(String(describing: failure))")
            return
        }
        #expect(message.contains(".github/workflows/**"))

        var tight = PolicySection()
        tight.maxLines = 1
        let (sized, _) = try await check("--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n", policy: tight)
        guard case .quarantine(.policyViolation, let sizeMessage, _)? = sized else {
            Issue.record("expected a size quarantine")
            return
        }
        #expect(sizeMessage.contains("max_lines"))
    }

    @Test func quarantinesPathEscapes() async throws {
        for diff in [
            "--- a/../x\n+++ b/../x\n@@ -1 +1 @@\n-a\n+b\n",
            "diff --git a/.git/config b/.git/config\n--- a/.git/config\n+++ b/.git/config\n@@ -1 +1 @@\n-a\n+b\n",
            "diff --git a/link b/link\nnew file mode 120000\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n",
        ] {
            let (failure, _) = try await check(diff)
            guard case .quarantine(let reason, _, _)? = failure else {
                Issue.record("expected quarantine for \(diff)")
                continue
            }
            #expect(reason == .pathEscape || reason == .malformedOutput, "\(diff)")
        }
    }

    @Test func aCleanPatchPasses() async throws {
        let (failure, output) = try await check("--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n")
        #expect(failure == nil)
        guard case .policy(let report)? = output else {
            Issue.record("expected a policy report")
            return
        }
        #expect(report.violations.isEmpty)
    }
}

@Suite struct TestStageTests {
    func runTests(_ command: [String]?, timeout: Int = 60, files: [String: [UInt8]] = [:]) async throws -> (
        StageFailure?, StageOutput?, [String]
    ) {
        let sandbox = try GitSandbox(files: files.isEmpty ? ["README.md": Array("x\n".utf8)] : files)
        let job = Job(title: "t", goal: "g")
        _ = try sandbox.worktrees.prepare(job: job.id, base: "main")
        var settings = TestSection()
        settings.command = command
        settings.timeoutSeconds = timeout
        let recorder = StageRecorder()
        let context = await makeContext(job: job, stage: .test, recorder: recorder, root: sandbox.root)
        let stage = TestStage(
            worktrees: sandbox.worktrees, settings: settings,
            runner: ProcessRunner(gracePeriod: .milliseconds(300)))
        do {
            let output = try await stage.run(context)
            return (nil, output, await recorder.beads.map(\.0.rawValue))
        } catch {
            return (error, nil, await recorder.beads.map(\.0.rawValue))
        }
    }

    /// An attempt resumed in a clone that never had the job's worktree (in a fleet, another
    /// engine in another clone implemented the job) gets it rebuilt from the stored patch, and
    /// the tests run on the patched tree; a base the clone lacks sends the job back to implement.
    @Test func aMissingWorktreeIsRebuiltFromTheStoredPatch() async throws {
        let sandbox = try GitSandbox(files: ["value.txt": Array("old\n".utf8)])
        let base = try sandbox.git("rev-parse", "HEAD")
        let diff = Data(
            "diff --git a/value.txt b/value.txt\n--- a/value.txt\n+++ b/value.txt\n@@ -1 +1 @@\n-old\n+new\n"
                .utf8)
        var settings = TestSection()
        settings.command = ["sh", "-c", "grep -qx new value.txt"]
        let stage = TestStage(worktrees: sandbox.worktrees, settings: settings)
        let job = Job(title: "implemented elsewhere", goal: "g")
        let recorder = StageRecorder()
        let context = await makeContext(
            job: job, stage: .test, recorder: recorder, root: sandbox.root,
            initialPatch: Patch(jobID: job.id, attempt: 1, baseCommit: base, diff: diff))
        guard case .tests(let summary) = try await stage.run(context) else {
            Issue.record("expected a test summary")
            return
        }
        #expect(summary.passed)
        #expect(await recorder.beads.map(\.0.rawValue).contains("worktree_restored"))
        #expect(try sandbox.worktrees.existing(job: job.id)?.baseCommit == base)

        let other = Job(title: "on a base this clone never saw", goal: "g")
        let missing = await makeContext(
            job: other, stage: .test, recorder: StageRecorder(), root: sandbox.root,
            initialPatch: Patch(
                jobID: other.id, attempt: 1, baseCommit: String(repeating: "1", count: 40), diff: diff))
        do {
            _ = try await stage.run(missing)
            Issue.record("a patch on an unknown base cannot be tested here")
        } catch {
            guard case .retryable(let message) = error else {
                Issue.record("expected a retry (implement again), got \(error)")
                return
            }
            #expect(message.contains("is not in this clone"))
        }
    }

    @Test func passingRunReportsCounts() async throws {
        let (failure, output, beads) = try await runTests([
            "sh", "-c", "echo '==== 5 passed, 1 skipped in 0.03s ===='",
        ])
        #expect(failure == nil)
        guard case .tests(let summary)? = output else {
            Issue.record("expected a test summary")
            return
        }
        #expect(summary.passed)
        #expect(summary.passedCount == 5)
        #expect(summary.failedCount == 0)
        #expect(beads == ["tests_passed"])
    }

    @Test func failingRunFailsWithCountsAndRedactedOutput() async throws {
        let script =
            "echo 'token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'; echo 'test result: FAILED. 2 passed; 1 failed; 0 ignored'; exit 101"
        let (failure, _, beads) = try await runTests(["sh", "-c", script])
        guard case .fatal(let message)? = failure else {
            Issue.record("expected a fatal failure, got \(String(describing: failure))")
            return
        }
        #expect(message.contains("2 passed, 1 failed"))
        #expect(message.contains("[REDACTED:github_token]"))
        #expect(!message.contains("ghp_aBcD"))
        #expect(beads == ["tests_failed"])
    }

    @Test func noCommandPassesWithANote() async throws {
        let (failure, output, _) = try await runTests([])
        #expect(failure == nil)
        #expect(output == .tests(TestSummary(passed: true, outputTail: TestStage.noCommandNote)))
    }

    @Test func hangingTestsAreKilledAtTheTimeout() async throws {
        let start = ContinuousClock.now
        let (failure, _, _) = try await runTests(["sh", "-c", "sleep 100 & sleep 100"], timeout: 1)
        guard case .retryable(let message)? = failure else {
            Issue.record("expected a retryable timeout, got \(String(describing: failure))")
            return
        }
        #expect(message.contains("did not finish within 1 s"))
        // Far below the 100 s the sleeps would take (loose: a loaded CI machine is slow).
        #expect(ContinuousClock.now - start < .seconds(90))
    }
}
