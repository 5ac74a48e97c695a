import Foundation
import PilothouseCore

/// `generate_tests` and `update_docs`: a second model pass over the job's worktree after
/// `implement`, adding tests for the change or bringing documentation in line with it. The
/// edits go through the same path guard and secret check, and the patch is stored again,
/// so check, review and test see the whole change.
///
/// Both are optional stages of the default template, off unless `[pipeline]` turns them on.
public struct FollowUpEditStage: PipelineStage {
    public enum Purpose: String, Sendable {
        case generateTests = "generate_tests"
        case updateDocs = "update_docs"

        var role: String { self == .generateTests ? "test_writer" : "doc_writer" }

        func instruction(for job: Job) -> String {
            switch self {
            case .generateTests:
                "Add or extend automated tests that cover this change: \(job.title). Keep the existing tests passing."
            case .updateDocs:
                "Update the documentation (README, docs, doc comments) so it describes this change: \(job.title)."
            }
        }
    }

    public let purpose: Purpose
    let implement: ImplementStage

    public init(_ purpose: Purpose, implement: ImplementStage) {
        self.purpose = purpose
        self.implement = implement
    }

    public func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let job = context.job
        let worktree: Worktree
        do {
            guard let existing = try implement.worktrees.existing(job: job.id) else {
                throw StageFailure.fatal(
                    "\(purpose.rawValue) needs the worktree `implement` made; put it after implement")
            }
            worktree = existing
        } catch let failure as StageFailure {
            throw failure
        } catch {
            throw .retryable("could not find the job's worktree: \(error)")
        }
        var patchText = ""
        if let patch = try? await context.services.latestPatch() {
            patchText = implement.redactor.redact(
                String(decoding: patch.diff.prefix(32 * 1024), as: UTF8.self))
        }
        var task = job
        task.goal = purpose.instruction(for: job)
        let files: [ImplementPrompt.File]
        do {
            files = try implement.promptFiles(for: job, in: worktree)
        } catch {
            throw PromptFiles.failure(for: error)
        }
        let messages = ImplementPrompt.messages(
            job: task, files: files, plan: nil, feedback: nil,
            previousPatch: patchText.isEmpty ? nil : patchText)
        let text = try await ModelStageDefaults.complete(
            ModelRequest(
                jobID: job.id, stage: context.spec.name, role: context.spec.role ?? purpose.role,
                model: context.spec.model ?? ModelStageDefaults.model, messages: messages,
                priority: job.priority,
                attempt: context.attempt),
            context: context)
        let edits: ModelEdits
        do {
            edits = try ModelEdits.parse(text)
        } catch {
            throw .quarantine(
                .malformedOutput, message: "the \(purpose.rawValue) answer holds no usable edits: \(error)",
                payload: implement.redactor.redact(text))
        }
        do {
            try implement.applier.apply(edits, in: worktree)
        } catch {
            throw ImplementStage.failure(for: error, output: implement.redactor.redact(text))
        }
        return try await implement.storePatch(of: worktree, context: context)
    }
}
