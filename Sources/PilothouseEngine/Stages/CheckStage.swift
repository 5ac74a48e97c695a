import Foundation
import PilothouseCore

/// `check`: the policy gate between a patch and anyone's eyes or tests.
///
/// Path escapes, secrets, forbidden globs and size limits quarantine the job with the
/// offending lines (redacted). A patch quarantined for a secret also loses its worktree, since
/// the worktree sits under `.pilothouse/` and would otherwise keep the secret on disk.
public struct CheckStage: PipelineStage {
    public let worktrees: WorktreeManager
    public let evaluator: PolicyEvaluator

    public init(worktrees: WorktreeManager, policy: PolicySection, redactor: Redactor = .standard) {
        self.worktrees = worktrees
        self.evaluator = PolicyEvaluator(policy: policy, redactor: redactor)
    }

    public func run(_ context: StageContext) async throws(StageFailure) -> StageOutput {
        let stored: Patch?
        do {
            stored = try await context.services.latestPatch()
        } catch {
            throw .retryable("could not load the patch: \(error)")
        }
        guard let patch = stored else { throw .fatal("job \(context.job.id.short) has no patch to check") }
        let diff: UnifiedDiff
        do {
            diff = try UnifiedDiff(parsing: patch.diff)
        } catch {
            throw .quarantine(
                .malformedOutput, message: "the patch is not a valid diff: \(error)",
                payload: evaluator.redactor.redact([UInt8](patch.diff.prefix(64 * 1024))))
        }
        let worktree = try? worktrees.existing(job: context.job.id)
        let violations = evaluator.violations(in: diff, worktree: worktree?.path)
        if let failure = evaluator.failure(for: violations) {
            if violations.contains(where: { $0.reason == .secretDetected }) {
                await SecretWorktree.remove(context.job.id, worktrees: worktrees, services: context.services)
            }
            await context.services.recordBead(
                "policy_violation", "\(violations.count) policy finding(s)",
                ["reasons": Set(violations.map(\.reason.rawValue)).sorted().joined(separator: ",")])
            throw failure
        }
        var flags: [String] = []
        for file in diff.files where file.isBinary {
            flags.append("\(file.path): binary change, not scanned for secrets")
        }
        return .policy(PolicyReport(violations: [], flags: flags))
    }
}
