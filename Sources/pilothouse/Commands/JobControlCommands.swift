import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine

/// `retry`, `cancel`, `pause` and `resume` from the command line: the same `JobOperations`
/// the console's keys call. The store checks the job's state inside the write, so a command
/// racing an engine or another terminal is refused (exit 1) rather than applied twice. An
/// engine running the job stops its stage at its next lease heartbeat.
struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract:
            "Queue a failed, rejected, cancelled, quarantined or held job again with fresh attempts.")

    @Argument(help: "The job id, or an unambiguous part of it.")
    var id: String

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        try JobControl(options: options).apply(id) { operations, job in
            let settled = try operations.retry(job)
            return "\(job.short) queued again"
                + (settled.isEmpty
                    ? "" : " (\(settled.count) quarantine record\(settled.count == 1 ? "" : "s") settled)")
        }
    }
}

struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job that has not ended; an engine running it stops its stage.")

    @Argument(help: "The job id, or an unambiguous part of it.")
    var id: String

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        try JobControl(options: options).apply(id) { operations, job in
            try operations.cancel(job)
            return "\(job.short) cancelled"
        }
    }
}

struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a queued, running or waiting job; `pilothouse resume` queues it again.")

    @Argument(help: "The job id, or an unambiguous part of it.")
    var id: String

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        try JobControl(options: options).apply(id) { operations, job in
            try operations.pause(job)
            return "\(job.short) paused"
        }
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Queue a paused job again, keeping the attempts it has used.")

    @Argument(help: "The job id, or an unambiguous part of it.")
    var id: String

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        try JobControl(options: options).apply(id) { operations, job in
            try operations.resume(job)
            return "\(job.short) queued again"
        }
    }
}

/// What the four commands share: open the store, resolve the id, run the operation, say
/// what happened.
private struct JobControl {
    let options: RepositoryOptions

    func apply(_ text: String, _ operation: (JobOperations, JobID) throws -> String) throws {
        let (repository, store) = try options.openStore()
        let operations = try JobOperations(store: store, config: options.config(for: repository))
        let job = try store.resolveJob(text)
        print(try operation(operations, job.id))
    }
}
