import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// A model client that answers every implementer with one edit and keeps every prompt it got.
final class PromptRecorder: ModelClient, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [ModelRequest] = []
    let answer: String

    init(answer: String) { self.answer = answer }

    var implementerPrompts: [String] {
        lock.withLock { seen.filter { $0.role == "implementer" }.map { $0.messages.map(\.content).joined() } }
    }

    func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse {
        lock.withLock { seen.append(request) }
        return ModelResponse(
            text: answer, provider: "test", model: request.model, tokens: TokenCounts(),
            cost: Money(micros: 0),
            latencyMillis: 0)
    }
}

/// Operator review from the diff viewer: line comments sent with a rejection, and edits of a
/// waiting patch, against the real implement stage in a real git repository.
@Suite(.timeLimit(.minutes(3))) struct EngineReviewTests {
    let directory = TemporaryDirectory()

    private func setUp() throws -> (SQLiteStore, Engine, PromptRecorder, GitSandbox, Job) {
        let sandbox = try GitSandbox(files: ["app.py": Array("def f():\n    return OLD\n".utf8)])
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "fix", goal: "Fix: replace `OLD` with `NEW` in app.py"))
        let models = PromptRecorder(
            answer: "app.py\n<<<<<<< SEARCH\n    return OLD\n=======\n    return NEW\n>>>>>>> REPLACE\n")
        var stages = EngineFixture.passingStages()
        stages["implement"] = ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main")
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: models,
            configuration: EngineFixture.configuration(autoApprove: false), repositoryRoot: sandbox.root)
        return (store, engine, models, sandbox, job)
    }

    @Test func lineCommentsReachTheNextAttemptsPromptVerbatimAndAreBeads() async throws {
        let (store, engine, models, sandbox, job) = try setUp()
        defer { withExtendedLifetime(sandbox) {} }
        _ = await engine.run(untilIdle: true)
        let history = try store.beads(jobID: job.id).map { "\($0.kind) \($0.message)" }
        #expect(try store.job(job.id)?.state == .awaitingApproval, "\(history)")
        let comment = LineComment(
            file: "app.py", line: 2, text: "+    return NEW",
            comment: "NEW must be `new_value()` — it is a call, \"quoted\" on purpose")
        let outcome = await engine.send(
            .rejectWithComments(job.id, reason: "close, but not the right value", comments: [comment]))
        #expect(outcome.succeeded, "\(outcome.message)")
        #expect(outcome.message.contains("1 comment"))
        _ = await engine.run(untilIdle: true)

        let prompts = models.implementerPrompts
        #expect(prompts.count == 2)
        let second = try #require(prompts.last)
        #expect(second.contains("close, but not the right value"))
        #expect(second.contains("app.py:2\n    +    return NEW\n"))
        #expect(second.contains("Comment: NEW must be `new_value()` — it is a call, \"quoted\" on purpose"))
        #expect(!(prompts.first ?? "").contains("Comment:"))

        let beads = try store.beads(jobID: job.id)
        let comments = beads.filter { $0.kind == .comment }
        #expect(comments.count == 1)
        #expect(comments.first?.message == comment.comment)
        #expect(comments.first?.metadata["file"] == "app.py")
        #expect(comments.first?.metadata["line"] == "2")
        #expect(comments.first?.metadata["text"] == "+    return NEW")
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    @Test func anEditedPatchIsCheckedAndTestedAgainBeforeItWaitsForApproval() async throws {
        let (store, engine, models, sandbox, job) = try setUp()
        defer { withExtendedLifetime(sandbox) {} }
        _ = await engine.run(untilIdle: true)
        let original = try #require(try store.latestPatch(job.id))
        let edited = Data(
            String(decoding: original.diff, as: UTF8.self).replacingOccurrences(
                of: "+    return NEW", with: "+    return EDITED"
            ).utf8)
        let outcome = await engine.send(.editPatch(job.id, diff: edited))
        #expect(outcome.succeeded, "\(outcome.message)")
        #expect(try store.job(job.id)?.state == .queued)
        _ = await engine.run(untilIdle: true)

        #expect(try store.job(job.id)?.state == .awaitingApproval)
        let latest = try #require(try store.latestPatch(job.id))
        #expect(String(decoding: latest.diff, as: UTF8.self).contains("+    return EDITED"))
        #expect(latest.attempt == 2)
        // The model was not asked again: the operator's edit is the patch.
        #expect(models.implementerPrompts.count == 1)
        let beads = try store.beads(jobID: job.id)
        let edit = try #require(beads.lastIndex { $0.kind == .patchEdited })
        let after = beads[edit...].filter { $0.kind == .stageStarted }.compactMap(\.stage)
        #expect(after.contains(.check))
        #expect(after.contains(.test))
        #expect(beads[edit].metadata["added"] == "1")
    }

    @Test func anUnparsableOrEmptyEditIsRefusedAndTheJobStillWaits() async throws {
        let (store, engine, _, sandbox, job) = try setUp()
        defer { withExtendedLifetime(sandbox) {} }
        _ = await engine.run(untilIdle: true)
        let garbage = await engine.send(.editPatch(job.id, diff: Data("diff --git a/x\n@@ nonsense\n".utf8)))
        #expect(!garbage.succeeded)
        #expect(garbage.message.contains("does not parse"))
        let empty = await engine.send(.editPatch(job.id, diff: Data()))
        #expect(!empty.succeeded)
        #expect(empty.message.contains("empty"))
        #expect(try store.job(job.id)?.state == .awaitingApproval)
        #expect(try store.beads(jobID: job.id).allSatisfy { $0.kind != .patchEdited })
    }

    @Test func aRejectionAfterAnEditAsksTheModelAgain() async throws {
        let (store, engine, models, sandbox, job) = try setUp()
        defer { withExtendedLifetime(sandbox) {} }
        _ = await engine.run(untilIdle: true)
        let original = try #require(try store.latestPatch(job.id))
        #expect((await engine.send(.editPatch(job.id, diff: original.diff))).succeeded)
        _ = await engine.run(untilIdle: true)
        #expect(models.implementerPrompts.count == 1)
        #expect((await engine.send(.reject(job.id, reason: "try again yourself"))).succeeded)
        _ = await engine.run(untilIdle: true)
        #expect(models.implementerPrompts.count == 2)
        #expect(models.implementerPrompts.last?.contains("try again yourself") == true)
    }
}
