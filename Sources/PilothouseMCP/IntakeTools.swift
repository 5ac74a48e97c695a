import Foundation
import PilothouseCore
import PilothouseEngine

/// `enqueue`, `submit_patch` and `import_plan`: new work, through `JobOperations` with the
/// command line's limits, path rules and secret scan.
extension PilothouseTools {
    func enqueue(_ arguments: ToolArguments) throws -> ToolOutput {
        let job = try jobRequest(arguments, patch: nil).job(defaults: config.jobs)
        return try .of(operations.enqueue(job, secrets: config.policy.blocking(config.redactor)))
    }

    func submitPatch(_ arguments: ToolArguments) throws -> ToolOutput {
        let diff = Data(try arguments.requiredString("diff").utf8)
        guard diff.count <= config.limits.patchBytes else {
            throw InputLimitExceeded(
                subject: "submit_patch: diff", key: "patch_bytes", limit: config.limits.patchBytes,
                unit: "bytes")
        }
        let job = try jobRequest(arguments, patch: "the patch submitted over MCP").job(defaults: config.jobs)
        return try .of(
            operations.enqueue(
                job, operatorPatch: diff, patchName: "submit_patch: diff",
                secrets: config.policy.blocking(config.redactor)))
    }

    /// Reads a plan below the repository root only: an MCP client is not the operator, and a
    /// plan's text ends up in jobs any client can read back, so `import_plan` must not become a
    /// way to read `~/.ssh` or the store itself (`JobOperations.importPlanFile`).
    func importPlan(_ arguments: ToolArguments) throws -> ToolOutput {
        let given = try arguments.requiredString("path")
        return try .of(
            operations.importPlanFile(
                given, repositoryRoot: repositoryRoot, maxAttempts: config.jobs.maxAttempts))
    }

    private func jobRequest(_ arguments: ToolArguments, patch: String?) throws(ToolFailure) -> JobRequest {
        return JobRequest(
            goal: patch == nil ? try arguments.requiredString("goal") : try arguments.string("goal") ?? "",
            title: try arguments.string("title"),
            category: try arguments.category(), priority: try arguments.priority(),
            files: try arguments.strings("files") ?? [], patch: patch)
    }
}
