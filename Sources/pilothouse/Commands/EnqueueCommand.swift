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
        let job = try JobRequest(
            goal: goal ?? "", title: title, category: category.flatMap(JobCategory.init(label:)),
            priority: priority.flatMap(Priority.init(label:)),
            files: (files ?? "").split(separator: ",").map(String.init),
            patch: patch.map {
                "the operator's patch \($0 == "-" ? "from standard input" : ($0 as NSString).lastPathComponent)"
            }
        ).job(defaults: config.jobs)
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
