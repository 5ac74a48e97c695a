import Foundation
import PilothouseCore

/// Enqueue and import: how new work enters the queue, with the checks that keep what must
/// never be stored (a secret, a path outside the repository) out of it.
extension JobOperations {
    /// Queues one job. Its goal and title must fit `[limits] goal_bytes` (every prompt of the
    /// job repeats them), and the files it names must be paths inside the repository: a hint
    /// such as `../../.ssh/id_rsa` is refused now rather than quarantined once a stage tries to
    /// show it to a model. An operator's ready patch (`operatorPatch`, named `patchName` in
    /// refusals) must be a unified diff with changes, touch only paths inside the repository,
    /// and add nothing `secrets` blocks: a secret must never reach the store, not even inside a
    /// job waiting to be checked.
    @discardableResult
    public func enqueue(
        _ job: Job, operatorPatch: Data? = nil, patchName: String = "the patch", secrets: Redactor
    )
        throws -> Job
    {
        try checkIntake(job)
        if let operatorPatch {
            let diff = try Self.validatedPatch(operatorPatch, name: patchName)
            let added = diff.files.flatMap(\.hunks).flatMap(\.lines).filter { $0.kind == .added }.map(\.text)
                .joined(separator: "\n")
            let kinds = Set(secrets.findings(in: added).map(\.kind)).sorted()
            if !kinds.isEmpty {
                throw OperationRefusal(
                    "\(patchName): the patch adds what looks like a secret (\(kinds.joined(separator: ", "))); remove it and submit again"
                )
            }
        }
        return try store.enqueue(job, operatorPatch: operatorPatch)
    }

    /// The limits and path rules every new job meets, whichever way it came in.
    private func checkIntake(_ job: Job) throws {
        for (subject, text) in [("the goal", job.goal), ("the title", job.title)]
        where text.utf8.count > limits.goalBytes {
            throw OperationRefusal(
                InputLimitExceeded(
                    subject: subject, key: "goal_bytes", limit: limits.goalBytes, unit: "bytes"
                )
                .description,
                kind: .invalidInput)
        }
        for path in job.filesHint {
            do {
                _ = try PathRules.validate(relativePath: path)
            } catch {
                throw OperationRefusal(
                    "files: \(error); name files by their path inside the repository, such as Sources/App/main.swift",
                    kind: .invalidInput)
            }
        }
    }

    /// A patch checked before it is queued, so a broken one is refused now with its reason,
    /// not later as a quarantined job.
    static func validatedPatch(_ data: Data, name: String) throws -> UnifiedDiff {
        let diff: UnifiedDiff
        do {
            diff = try UnifiedDiff(parsing: data)
        } catch {
            throw OperationRefusal("\(name): not a unified diff: \(error)", kind: .invalidInput)
        }
        guard !diff.files.isEmpty else {
            throw OperationRefusal("\(name): holds no changes", kind: .invalidInput)
        }
        for file in diff.files {
            for path in [file.oldPath, file.newPath].compactMap({ $0 }) {
                do {
                    _ = try PathRules.validate(relativePath: path)
                } catch {
                    throw OperationRefusal("\(name): \(error)", kind: .invalidInput)
                }
            }
        }
        return diff
    }

    /// The items of a Markdown plan, read from its text with secrets redacted first (so no
    /// title or anchor derived from it keeps one); more than `limit` items is refused.
    public func planItems(_ text: String, subject: String, limit: Int) throws -> [PlanItem] {
        let items = PlanParser.parse(store.stored(text))
        if items.count > limit {
            throw OperationRefusal(
                InputLimitExceeded(subject: subject, key: "plan_items", limit: limit, unit: "items")
                    .description,
                kind: .invalidInput)
        }
        return items
    }

    /// Imports a plan's items: new items become jobs, changed ones update their job while it
    /// is still queued, the rest are left as they are.
    public func importPlan(_ items: [PlanItem], plan: String, maxAttempts: Int) throws -> PlanImportSummary {
        try store.importPlan(items, plan: plan, maxAttempts: maxAttempts)
    }

    /// Imports the plan at `path`, a file inside the repository (relative, or absolute below
    /// `repositoryRoot`): read through `PathGuard`, so no `..`, no link leading out, nothing in
    /// `.git/` or `.pilothouse/`, and at most `[limits] plan_bytes`. The plan is named by its
    /// repository-relative path, as `pilothouse import` names one inside the repository, so
    /// importing it again from any caller is the same plan. For callers that are not the
    /// operator at a shell: MCP clients and schedules.
    public func importPlanFile(_ path: String, repositoryRoot: String, maxAttempts: Int) throws
        -> PlanImportSummary
    {
        let relative = try Self.insideRepository(path, root: repositoryRoot)
        let guardian = PathGuard(root: repositoryRoot)
        let resolved = try guardian.resolve(relative)
        if resolved == ".pilothouse" || resolved.hasPrefix(".pilothouse/") {
            throw PathGuardError.privateState(path: resolved)
        }
        guard let bytes = try guardian.read(resolved, limit: limits.planBytes) else {
            throw OperationRefusal(
                "\(path.debugDescription): no such file in \(repositoryRoot)", kind: .invalidInput)
        }
        guard bytes.count <= limits.planBytes else {
            throw InputLimitExceeded(
                subject: resolved, key: "plan_bytes", limit: limits.planBytes, unit: "bytes")
        }
        let items = try planItems(
            String(decoding: bytes, as: UTF8.self), subject: resolved, limit: limits.planItems)
        return try importPlan(items, plan: resolved, maxAttempts: maxAttempts)
    }

    /// `path` relative to the repository root; an absolute path is accepted when it lies below it.
    static func insideRepository(_ path: String, root: String) throws -> String {
        guard path.hasPrefix("/") else { return path }
        let prefix = (root as NSString).standardizingPath + "/"
        let standardized = (path as NSString).standardizingPath
        guard standardized.hasPrefix(prefix) else {
            throw OperationRefusal(
                "\(path.debugDescription) is outside the repository \(root); give a plan inside it",
                kind: .invalidInput)
        }
        return String(standardized.dropFirst(prefix.count))
    }
}
