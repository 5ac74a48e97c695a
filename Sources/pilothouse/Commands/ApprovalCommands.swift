import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// `approve` and `reject` from the command line, for scripts and for operators without the
/// console. They record the decision; an engine (running now, or the next `run`) carries it
/// out.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a waiting patch (all of it, or some hunks); the engine merges it.")

    @Argument(help: "The job id, or an unambiguous part of it.")
    var id: String

    @Option(
        help: ArgumentHelp(
            "Approve only these hunks (0-based, in diff order, comma-separated).", valueName: "list"))
    var hunks: String?

    @OptionGroup var options: RepositoryOptions

    func validate() throws {
        if let hunks,
            hunks.split(separator: ",").contains(where: {
                Int($0.trimmingCharacters(in: .whitespaces)) == nil
            })
        {
            throw ValidationError("--hunks takes numbers such as 0,2")
        }
    }

    func run() throws {
        let (repository, store) = try options.openStore()
        let operations = try JobOperations(store: store, config: options.config(for: repository))
        let job = try store.resolveJob(id)
        let chosen = hunks.map {
            $0.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        try operations.approve(job.id, hunks: chosen, by: "operator (command line)")
        print(
            "approved \(job.id.short)\(chosen.map { " (hunks \($0.map(String.init).joined(separator: ",")))" } ?? ""); the engine merges it"
        )
    }
}

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract:
            "Reject a waiting patch; with a reason (and [approval] on_reject = \"retry\") the job tries again with it as feedback."
    )

    @Argument(help: "The job id, or an unambiguous part of it.")
    var id: String

    @Option(help: "Why: fed back to implement on the next attempt.")
    var reason: String?

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let (repository, store) = try options.openStore()
        let operations = try JobOperations(store: store, config: options.config(for: repository))
        let job = try store.resolveJob(id)
        let retry = try operations.reject(job.id, reason: reason ?? "")
        print(
            retry
                ? "rejected \(job.id.short); it will try again with your reason" : "rejected \(job.id.short)")
    }
}
