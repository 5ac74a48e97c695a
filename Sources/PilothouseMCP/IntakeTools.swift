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
    /// way to read `~/.ssh` or the store itself. `PathGuard` refuses `..`, links that lead out,
    /// `.git/` and `.pilothouse/`.
    func importPlan(_ arguments: ToolArguments) throws -> ToolOutput {
        let given = try arguments.requiredString("path")
        let guardian = PathGuard(root: repositoryRoot)
        let path = try guardian.resolve(insideRepository(given))
        if path == ".pilothouse" || path.hasPrefix(".pilothouse/") {
            throw PathGuardError.privateState(path: path)
        }
        guard let bytes = try guardian.read(path, limit: config.limits.planBytes) else {
            throw ToolFailure("import_plan: \(given.debugDescription): no such file in \(repositoryRoot)")
        }
        guard bytes.count <= config.limits.planBytes else {
            throw InputLimitExceeded(
                subject: "import_plan: \(path)", key: "plan_bytes", limit: config.limits.planBytes,
                unit: "bytes")
        }
        let items = try operations.planItems(
            String(decoding: bytes, as: UTF8.self), subject: path, limit: config.limits.planItems)
        // Named relative to the repository, as `pilothouse import` names a plan inside it, so
        // importing it from either side is the same plan.
        return try .of(operations.importPlan(items, plan: path, maxAttempts: config.jobs.maxAttempts))
    }

    /// `path` relative to the repository root: an absolute path is accepted when it lies below it.
    private func insideRepository(_ path: String) throws -> String {
        guard path.hasPrefix("/") else { return path }
        let root = (repositoryRoot as NSString).standardizingPath + "/"
        let standardized = (path as NSString).standardizingPath
        guard standardized.hasPrefix(root) else {
            throw ToolFailure(
                "import_plan: \(path.debugDescription) is outside the repository \(repositoryRoot); MCP clients import plans from inside it"
            )
        }
        return String(standardized.dropFirst(root.count))
    }

    private func jobRequest(_ arguments: ToolArguments, patch: String?) throws(ToolFailure) -> JobRequest {
        return JobRequest(
            goal: patch == nil ? try arguments.requiredString("goal") : try arguments.string("goal") ?? "",
            title: try arguments.string("title"),
            category: try arguments.category(), priority: try arguments.priority(),
            files: try arguments.strings("files") ?? [], patch: patch)
    }
}
