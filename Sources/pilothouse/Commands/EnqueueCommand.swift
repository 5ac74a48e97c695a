import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct EnqueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue", abstract: "Add one job to the queue.")

    @Argument(help: "What the job should achieve, in plain words (optional with --patch).")
    var goal: String?

    @Option(
        help: ArgumentHelp(
            "A ready patch (unified diff; - reads standard input) to submit: it skips implement and goes through check, review, test and approval.",
            valueName: "file.diff"))
    var patch: String?

    @Option(help: "A short title (default: the goal's first line, shortened).")
    var title: String?

    @Option(
        help: ArgumentHelp(
            "One of: \(JobCategory.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "category")
    )
    var category: String?

    @Option(help: ArgumentHelp("P0 (first) … P3.", valueName: "priority"))
    var priority: String?

    @Option(
        help: ArgumentHelp(
            "Files the job is about, comma-separated (a hint, not a limit).", valueName: "paths"))
    var files: String?

    @Flag(help: "Print the created job as JSON.")
    var json = false

    @OptionGroup var options: RepositoryOptions

    func validate() throws {
        if patch == nil, (goal ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("the goal is empty; say what the job should achieve")
        }
        if let priority, Priority(label: priority) == nil {
            throw ValidationError("unknown priority '\(priority)'; use P0, P1, P2 or P3")
        }
        if let category, JobCategory(label: category) == nil {
            throw ValidationError(
                "unknown category '\(category)'; use one of \(JobCategory.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    func run() throws {
        let (repository, store) = try options.openStore()
        let config = try options.config(for: repository)
        let operatorPatch = try patch.map { try Self.readPatch($0, limit: config.limits.patchBytes) }
        var cleanGoal = (goal ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if cleanGoal.isEmpty, let patch {
            cleanGoal =
                "Apply the operator's patch \(patch == "-" ? "from standard input" : (patch as NSString).lastPathComponent)."
        }
        let job = Job(
            title: title.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap {
                $0.isEmpty ? nil : $0
            }
                ?? JobTitle.from(goal: cleanGoal),
            goal: cleanGoal,
            category: category.flatMap(JobCategory.init(label:)) ?? config.jobs.defaultCategory,
            priority: priority.flatMap(Priority.init(label:)) ?? config.jobs.defaultPriority,
            filesHint: (files ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty },
            maxAttempts: config.jobs.maxAttempts)
        let queued = try JobOperations(store: store, config: config).enqueue(
            job, operatorPatch: operatorPatch, patchName: patch ?? "the patch",
            secrets: config.policy.blocking(config.redactor))
        if json {
            print(try JSONOutput.encode(queued))
        } else {
            print("queued \(queued.id.short) \(queued.priority) \(queued.category) \(queued.title)")
        }
    }
}

extension EnqueueCommand {
    /// Reads a patch before it is queued, its size bounded before anything parses it;
    /// `JobOperations.enqueue` checks what it holds.
    static func readPatch(_ path: String, limit: Int) throws -> Data {
        do {
            return try BoundedFile.read((path as NSString).expandingTildeInPath, limit: limit)
        } catch {
            throw CommandFailure(
                error.message(
                    path: path == "-" ? "standard input" : path, limitKey: "patch_bytes", limit: limit)
                    + (error == .tooLarge ? "" : "; give the path of a unified diff, or - for standard input")
            )
        }
    }
}

/// A title derived from a goal: its first line, cut at a word boundary.
enum JobTitle {
    static func from(goal: String, limit: Int = 72) -> String {
        let firstLine = goal.split(whereSeparator: \.isNewline).first.map(String.init) ?? goal
        guard firstLine.count > limit else { return firstLine }
        let cut = firstLine.prefix(limit)
        if let space = cut.lastIndex(of: " ") { return String(cut[..<space]) + "…" }
        return String(cut) + "…"
    }
}
