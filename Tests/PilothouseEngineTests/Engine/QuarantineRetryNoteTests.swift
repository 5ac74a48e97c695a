import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Answers the implementer with `answers` in turn (the last one from then on) and keeps every
/// implementer prompt.
final class ScriptedImplementer: ModelClient, @unchecked Sendable {
    private let lock = NSLock()
    private var prompts: [String] = []
    private let answers: [String]

    init(answers: [String]) { self.answers = answers }

    var implementerPrompts: [String] { lock.withLock { prompts } }

    func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse {
        let text: String = lock.withLock {
            guard request.role == "implementer" else { return "ok" }
            prompts.append(request.messages.map(\.content).joined())
            return answers[min(prompts.count - 1, answers.count - 1)]
        }
        return ModelResponse(
            text: text, provider: "test", model: request.model, tokens: TokenCounts(), cost: Money(micros: 0),
            latencyMillis: 0)
    }
}

/// `R` on a quarantine record with a note (issue #13 point 8): the note reaches the model in
/// the next attempt's prompt, verbatim, like a reject reason; through the engine's command
/// (the console) and through the store operation `quarantine retry --note` runs.
@Suite(.timeLimit(.minutes(3))) struct QuarantineRetryNoteTests {
    let directory = TemporaryDirectory()
    static let note = "Edit app.py only, with a SEARCH/REPLACE block; \"NEW\" is `new_value()` — a call."

    private func quarantinedJob() async throws -> (SQLiteStore, Engine, ScriptedImplementer, GitSandbox, Job)
    {
        let sandbox = try GitSandbox(files: ["app.py": Array("def f():\n    return OLD\n".utf8)])
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let job = try store.enqueue(Job(title: "fix", goal: "Fix: replace `OLD` with `NEW` in app.py"))
        let models = ScriptedImplementer(answers: [
            "I would rather not edit anything.",
            "app.py\n<<<<<<< SEARCH\n    return OLD\n=======\n    return NEW\n>>>>>>> REPLACE\n",
        ])
        var stages = EngineFixture.passingStages()
        stages["implement"] = ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main")
        let engine = try Engine(
            store: store, template: .standard, stages: stages, models: models,
            configuration: EngineFixture.configuration(autoApprove: false), repositoryRoot: sandbox.root)
        _ = await engine.run(untilIdle: true)
        #expect(try store.job(job.id)?.state == .quarantined)
        return (store, engine, models, sandbox, job)
    }

    @Test func theConsolesRetryNoteIsInTheNextPromptVerbatim() async throws {
        let (store, engine, models, sandbox, job) = try await quarantinedJob()
        defer { withExtendedLifetime(sandbox) {} }
        let record = try #require(try store.quarantineRecords().first { $0.jobID == job.id })
        #expect(record.reason == .malformedOutput)
        let outcome = await engine.send(.retryQuarantine(record.id, note: Self.note))
        #expect(outcome.succeeded, "\(outcome.message)")
        #expect(outcome.message.contains("with your note for the model"))
        _ = await engine.run(untilIdle: true)

        let prompts = models.implementerPrompts
        #expect(prompts.count == 2)
        #expect(!(prompts.first ?? "").contains(Self.note))
        #expect(prompts.last?.contains(Self.note) == true, "\(prompts.last ?? "")")
        #expect(try store.job(job.id)?.state == .awaitingApproval)
        let release = try #require(try store.beads(jobID: job.id).last { $0.kind == .quarantineReleased })
        #expect(release.metadata["note"] == Self.note)
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    @Test func aRetryWithoutANoteAddsNoFeedbackAndAStaleRecordKeepsNoNote() async throws {
        let (store, engine, models, sandbox, job) = try await quarantinedJob()
        defer { withExtendedLifetime(sandbox) {} }
        let record = try #require(try store.quarantineRecords().first { $0.jobID == job.id })
        #expect(try store.releaseQuarantineRecord(record.id, resetAttempts: true, note: "   ") == false)
        #expect(try store.feedback(job.id) == nil)
        _ = await engine.run(untilIdle: true)
        #expect(models.implementerPrompts.count == 2)
        #expect(!(models.implementerPrompts.last ?? "").contains("Feedback on the previous attempt"))
        // The record is gone: a second retry is refused and writes nothing.
        let again = await engine.send(.retryQuarantine(record.id, note: Self.note))
        #expect(!again.succeeded)
        #expect(try store.feedback(job.id) == nil)
    }
}
