import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// A model whose every call fails the same way, and which counts the calls it refused.
struct RefusingModel: ModelClient {
    let error: ModelClientError
    let log = PromptLog()
    func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse {
        await log.add(request.role)
        throw error
    }
}

/// A model that keeps every request (role included) and answers each with the same text.
actor RequestLog {
    private(set) var requests: [ModelRequest] = []
    func add(_ request: ModelRequest) { requests.append(request) }
    var userPrompts: [String] { requests.compactMap { $0.messages.last?.content } }
}

struct LoggingModel: ModelClient {
    let log: RequestLog
    var text: String
    func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse {
        await log.add(request)
        return ModelResponse(
            text: text, provider: "test", model: request.model, tokens: TokenCounts(input: 11, output: 3),
            cost: Money(micros: 42), latencyMillis: 0)
    }
}

/// What `analyze`, `plan` and the follow-up stages (`generate_tests`, `update_docs`) send to
/// the model, what they return, and how each way of failing reaches the engine.
@Suite struct ModelStagesTests {
    static let app = "def total(xs):\n    return sum(xs)\n"
    static let implementAnswer =
        "app.py\n<<<<<<< SEARCH\n    return sum(xs)\n=======\n    return sum(xs or [])\n>>>>>>> REPLACE\n"

    private func sandbox() throws -> GitSandbox {
        try GitSandbox(files: ["app.py": Array(Self.app.utf8), "README.md": Array("# App\n".utf8)])
    }

    /// A context for `job` at `stage` in `sandbox` whose model answers `answer` and logs requests.
    private func logged(
        _ job: Job, at stage: StageName, answering answer: String, in sandbox: GitSandbox,
        recorder: StageRecorder = StageRecorder()
    ) async -> (StageContext, RequestLog) {
        let log = RequestLog()
        let context = await makeContext(
            job: job, stage: stage, recorder: recorder, model: LoggingModel(log: log, text: answer),
            root: sandbox.root)
        return (context, log)
    }

    // MARK: analyze

    @Test func analyzeSendsTheGoalAndTheHintedFilesAndReturnsTheAnswer() async throws {
        let sandbox = try sandbox()
        let log = RequestLog()
        let recorder = StageRecorder()
        let job = Job(
            title: "Guard empty input", goal: "total() must accept None", category: .security, priority: .p1,
            filesHint: ["app.py", "missing.py"])
        let context = await makeContext(
            job: job, stage: .analyze, recorder: recorder,
            model: LoggingModel(log: log, text: "touches total(); risk: callers passing None"),
            root: sandbox.root)
        let output = try await AnalyzeStage().run(context)
        #expect(output == .text("touches total(); risk: callers passing None"))
        let request = try #require(await log.requests.first)
        #expect(await log.requests.count == 1)
        #expect(request.role == "analyst")
        #expect(request.stage == .analyze)
        #expect(request.jobID == job.id)
        #expect(request.model == ModelStageDefaults.model)
        let prompt = try #require(request.messages.last?.content)
        #expect(prompt.contains("Job: Guard empty input"))
        #expect(prompt.contains("Category: security   Priority: P1"))
        #expect(prompt.contains("total() must accept None"))
        #expect(prompt.contains("=== FILE: app.py ===\n" + Self.app))
        // A hint that names no file is left out rather than shown as an empty new file.
        #expect(!prompt.contains("missing.py"))
        // The call is recorded with its tokens and cost, for the ledger view and the console.
        let beads = await recorder.beads
        #expect(beads.map(\.0) == [.modelCalled])
        #expect(beads.first?.2["tokens_in"] == "11")
        #expect(beads.first?.2["cost_micros"] == "42")
    }

    @Test func analyzeWithoutHintsSaysNoFilesWereNamed() async throws {
        let sandbox = try sandbox()
        let (context, log) = await logged(
            Job(title: "t", goal: "tidy"), at: .analyze, answering: "fine", in: sandbox)
        _ = try await AnalyzeStage().run(context)
        let prompt = try #require(await log.userPrompts.first)
        #expect(prompt.contains("No files were named."))
        #expect(!prompt.contains("=== FILE:"))
    }

    @Test func theTemplatesModelAndRoleWin() async throws {
        let sandbox = try sandbox()
        let (made, log) = await logged(
            Job(title: "t", goal: "g"), at: .analyze, answering: "fine", in: sandbox)
        var context = made
        context.spec.model = "openai:gpt-x"
        context.spec.role = "auditor"
        _ = try await AnalyzeStage().run(context)
        let request = try #require(await log.requests.first)
        #expect(request.model == "openai:gpt-x")
        #expect(request.role == "auditor")
    }

    // MARK: plan

    @Test func planCarriesTheAnalysisTheHintsAndReturnsAPlan() async throws {
        let sandbox = try sandbox()
        let (made, log) = await logged(
            Job(title: "Guard empty input", goal: "total() must accept None", filesHint: ["app.py"]),
            at: .plan,
            answering: "1. add `or []`", in: sandbox)
        var context = made
        context.outputs[.analyze] = .text("ANALYSIS-MARKER: only total() is involved")
        let output = try await PlanStage().run(context)
        #expect(output == .plan("1. add `or []`"))
        let request = try #require(await log.requests.first)
        #expect(request.role == "planner")
        let prompt = try #require(request.messages.last?.content)
        #expect(prompt.contains("Goal:\ntotal() must accept None"))
        #expect(prompt.contains("Analysis:\nANALYSIS-MARKER: only total() is involved"))
        #expect(prompt.contains("Files named: app.py"))
        #expect(!prompt.contains("rejected"))
    }

    @Test func planWithoutAnalysisSaysNoneAndShowsTheOperatorsRejection() async throws {
        let sandbox = try sandbox()
        let (made, log) = await logged(
            Job(title: "t", goal: "g"), at: .plan, answering: "1. x", in: sandbox)
        var context = made
        context.feedback = "keep the public name total"
        _ = try await PlanStage().run(context)
        let prompt = try #require(await log.userPrompts.first)
        #expect(prompt.contains("Analysis:\n(none)"))
        #expect(prompt.contains("The operator rejected the previous attempt: keep the public name total"))
        #expect(prompt.contains("Files named: none"))
    }

    // MARK: failures shared by every model stage

    /// Each model error reaches the engine as the failure that decides the job's next state:
    /// a budget that cannot pay holds the job, open circuits requeue it without an attempt,
    /// exhausted retries retry the stage, a refusal fails it.
    static let errorCases: [(ModelClientError, StageFailure)] = [
        (.budgetExceeded(scope: "run", remaining: Money(micros: 5)), .budgetHold(scope: "run")),
        (
            .circuitOpen(model: "simulated:sim-1"),
            .modelUnavailable(ModelClientError.circuitOpen(model: "simulated:sim-1").description)
        ),
        (
            .exhausted(model: "m", attempts: 4, lastError: "HTTP 503"),
            .retryable(ModelClientError.exhausted(model: "m", attempts: 4, lastError: "HTTP 503").description)
        ),
        (
            .permanent(model: "m", message: "HTTP 401 bad key"),
            .fatal(ModelClientError.permanent(model: "m", message: "HTTP 401 bad key").description)
        ),
        (.unknownModel("nope:x"), .fatal(ModelClientError.unknownModel("nope:x").description)),
        (.cancelled, .cancelled),
    ]

    @Test(arguments: 0..<errorCases.count)
    func modelErrorsMapToTheFailureTheEngineActsOn(index: Int) async throws {
        let (error, expected) = Self.errorCases[index]
        let sandbox = try sandbox()
        let job = Job(title: "t", goal: "g", filesHint: ["app.py"])
        let (implement, _) = try await implemented(job, in: sandbox)
        let stages: [(StageName, any PipelineStage)] = [
            (.analyze, AnalyzeStage()), (.plan, PlanStage()),
            (.generateTests, FollowUpEditStage(.generateTests, implement: implement)),
            (.updateDocs, FollowUpEditStage(.updateDocs, implement: implement)),
        ]
        for (name, stage) in stages {
            let recorder = StageRecorder()
            let model = RefusingModel(error: error)
            let context = await makeContext(
                job: job, stage: name, recorder: recorder, model: model, root: sandbox.root)
            do {
                _ = try await stage.run(context)
                Issue.record("\(name) succeeded although the model failed with \(error)")
            } catch {
                #expect(error == expected, "\(name)")
            }
            #expect(await model.log.prompts.count == 1, "\(name) called the model once")
            // Nothing was spent, so nothing is recorded as a model call.
            #expect(await recorder.beads.isEmpty, "\(name)")
            #expect(await recorder.patches.isEmpty, "\(name)")
        }
    }

    // MARK: follow-up edits (generate_tests, update_docs)

    /// Runs `implement` for `job` in `sandbox` so a follow-up stage finds its worktree, and
    /// returns the recorder holding its patch.
    private func implemented(_ job: Job, in sandbox: GitSandbox) async throws -> (
        ImplementStage, StageRecorder
    ) {
        let implement = ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main")
        let recorder = StageRecorder()
        _ = try await implement.run(
            await makeContext(
                job: job, stage: .implement, recorder: recorder,
                model: ScriptedModel(text: Self.implementAnswer),
                root: sandbox.root))
        return (implement, recorder)
    }

    @Test func generateTestsSeesThePreviousPatchAndStoresTheWholeChange() async throws {
        let sandbox = try sandbox()
        let job = Job(title: "Guard empty input", goal: "total() must accept None", filesHint: ["app.py"])
        let (implement, recorder) = try await implemented(job, in: sandbox)
        let answer = "test_app.py\n<<<<<<< SEARCH\n=======\nassert total(None) == 0\n>>>>>>> REPLACE\n"
        let (context, log) = await logged(
            job, at: .generateTests, answering: answer, in: sandbox, recorder: recorder)
        let output = try await FollowUpEditStage(.generateTests, implement: implement).run(context)
        #expect(output == .patch(PatchSummary(attempt: 1, filesChanged: 2, linesAdded: 2, linesRemoved: 1)))

        let request = try #require(await log.requests.first)
        #expect(request.role == "test_writer")
        #expect(request.stage == .generateTests)
        let prompt = try #require(request.messages.last?.content)
        #expect(prompt.contains("Add or extend automated tests that cover this change: Guard empty input"))
        #expect(prompt.contains("=== FILE: app.py ==="))
        // The model must see what implement changed, or it writes tests for the old code.
        #expect(prompt.contains("+    return sum(xs or [])"), "the previous patch is missing: \(prompt)")

        // The stored patch now holds both the fix and the new test, for check, review and test.
        let patches = await recorder.patches
        #expect(patches.count == 2)
        let diff = String(decoding: try #require(patches.last).diff, as: UTF8.self)
        #expect(diff.contains("+    return sum(xs or [])"))
        #expect(diff.contains("+assert total(None) == 0"))
    }

    @Test func updateDocsAsksTheDocWriterAboutTheChange() async throws {
        let sandbox = try sandbox()
        let job = Job(title: "Guard empty input", goal: "g", filesHint: ["app.py", "README.md"])
        let (implement, recorder) = try await implemented(job, in: sandbox)
        let answer =
            "README.md\n<<<<<<< SEARCH\n# App\n=======\n# App\n\n`total(None)` is 0.\n>>>>>>> REPLACE\n"
        let (context, log) = await logged(
            job, at: .updateDocs, answering: answer, in: sandbox, recorder: recorder)
        _ = try await FollowUpEditStage(.updateDocs, implement: implement).run(context)
        let request = try #require(await log.requests.first)
        #expect(request.role == "doc_writer")
        #expect(request.messages.last?.content.contains("Update the documentation") == true)
        let diff = String(decoding: try #require(await recorder.latest).diff, as: UTF8.self)
        #expect(diff.contains("+`total(None)` is 0."))
    }

    @Test func aFollowUpWithoutTheImplementWorktreeIsFatalAndCallsNoModel() async throws {
        let sandbox = try sandbox()
        let recorder = StageRecorder()
        let (context, log) = await logged(
            Job(title: "t", goal: "g"), at: .generateTests, answering: "unused", in: sandbox,
            recorder: recorder)
        let implement = ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main")
        do {
            _ = try await FollowUpEditStage(.generateTests, implement: implement).run(context)
            Issue.record("a follow-up without a worktree succeeded")
        } catch {
            guard case .fatal(let message) = error else {
                Issue.record("expected fatal, got \(error)")
                return
            }
            #expect(message.contains("generate_tests needs the worktree `implement` made"))
            #expect(message.contains("after implement"))
        }
        #expect(await log.requests.isEmpty)
        #expect(await recorder.patches.isEmpty)
    }

    @Test func aMalformedFollowUpAnswerIsQuarantinedRedactedAndChangesNothing() async throws {
        let sandbox = try sandbox()
        let job = Job(title: "t", goal: "g", filesHint: ["app.py"])
        let (implement, recorder) = try await implemented(job, in: sandbox)
        let worktree = try #require(try sandbox.worktrees.existing(job: job.id))
        let before = try sandbox.worktrees.canonicalDiff(worktree)
        let answer = "Sure! I would add tests. AWS key: AKIAIOSFODNN7EXAMPLE\nBut here are no edits."
        let context = await makeContext(
            job: job, stage: .generateTests, recorder: recorder, model: ScriptedModel(text: answer),
            root: sandbox.root)
        do {
            _ = try await FollowUpEditStage(.generateTests, implement: implement).run(context)
            Issue.record("a malformed answer succeeded")
        } catch {
            guard case .quarantine(.malformedOutput, let message, let payload) = error else {
                Issue.record("expected malformed_output, got \(error)")
                return
            }
            #expect(message.contains("the generate_tests answer holds no usable edits"))
            #expect(payload.contains("Sure! I would add tests."))
            #expect(!payload.contains("AKIAIOSFODNN7EXAMPLE"), "the quarantine payload keeps a secret")
        }
        #expect(await recorder.patches.count == 1)
        #expect(try sandbox.worktrees.canonicalDiff(worktree) == before)
    }

    @Test(arguments: [
        "../../outside/x.txt\n<<<<<<< SEARCH\n=======\npwned\n>>>>>>> REPLACE\n",
        "OUTSIDE/x.txt\n<<<<<<< SEARCH\n=======\npwned\n>>>>>>> REPLACE\n",
        ".git/hooks/pre-commit\n<<<<<<< SEARCH\n=======\n#!/bin/sh\n>>>>>>> REPLACE\n",
        "```diff\n--- /dev/null\n+++ b/../../../outside/y.txt\n@@ -0,0 +1 @@\n+pwned\n```\n",
    ])
    func aFollowUpEditOutsideTheWorktreeIsQuarantinedAsPathEscape(template: String) async throws {
        let sandbox = try sandbox()
        let job = Job(title: "t", goal: "g", filesHint: ["app.py"])
        let (implement, recorder) = try await implemented(job, in: sandbox)
        let answer = template.replacingOccurrences(of: "OUTSIDE", with: sandbox.outside)
        let context = await makeContext(
            job: job, stage: .updateDocs, recorder: recorder, model: ScriptedModel(text: answer),
            root: sandbox.root)
        do {
            _ = try await FollowUpEditStage(.updateDocs, implement: implement).run(context)
            Issue.record("an escaping edit succeeded: \(answer)")
        } catch {
            guard case .quarantine(.pathEscape, _, _) = error else {
                Issue.record("expected path_escape for \(answer), got \(error)")
                return
            }
        }
        #expect(await recorder.patches.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.outside).isEmpty)
        let worktree = try #require(try sandbox.worktrees.existing(job: job.id))
        #expect(!FileManager.default.fileExists(atPath: worktree.path + "/.git/hooks/pre-commit"))
    }
}
