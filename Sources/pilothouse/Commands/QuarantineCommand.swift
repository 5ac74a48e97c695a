import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine", abstract: "Inspect, retry and drop quarantined records.",
        subcommands: [List.self, Show.self, Retry.self, Remove.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List quarantined records, oldest first.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (_, store) = try options.openStoreForReading()
            let records = try store.quarantineRecords()
            if json {
                print(try JSONOutput.encode(records))
            } else if records.isEmpty {
                print("quarantine is empty")
            } else {
                print(
                    TextTable.render(
                        header: ["ID", "REASON", "JOB", "AGE", "MESSAGE"],
                        rows: records.map { record in
                            [
                                record.id.short, record.reason.rawValue, record.jobID?.short ?? "-",
                                Age.text(since: record.createdAt), record.message,
                            ]
                        }))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one record in full.")

        @Argument(help: "The record id or an unambiguous part of it.")
        var id: String

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (_, store) = try options.openStoreForReading()
            let record = try store.resolveQuarantineRecord(id)
            if json {
                print(try JSONOutput.encode(record))
                return
            }
            print(
                "\(record.id)  \(record.reason)  job \(record.jobID?.rawValue ?? "-")  \(record.createdAt.formatted(.iso8601))"
            )
            print(record.message)
            if !record.payload.isEmpty { print("\n\(record.payload)") }
        }
    }

    /// The CLI's `R`: the same operation the engine runs for the console's retry.
    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract:
                "Queue the record's job again with its tries reset; a --note reaches the model in the next prompt."
        )

        @Argument(help: "The record id or an unambiguous part of it.")
        var id: String

        @Option(help: "What the model should do differently, quoted in its next prompt like a reject reason.")
        var note: String?

        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (repository, store) = try options.openStore()
            let operations = try JobOperations(store: store, config: options.config(for: repository))
            let settled = try operations.releaseQuarantine(id, resetAttempts: true, note: note)
            guard let job = settled.job else {
                print(
                    "retried \(settled.record.id.short) (\(settled.record.reason)); it had no job, so the record is gone"
                )
                return
            }
            print(
                "retried \(settled.record.id.short) (\(settled.record.reason)); job \(job.id.short) is \(job.state)"
                    + (settled.noted ? " and its next prompt carries your note" : ""))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract:
                "Drop a record for good (a bead records who dropped it); a job it still holds ends failed.")

        @Argument(help: "The record id or an unambiguous part of it.")
        var id: String

        @Option(help: "Why it is dropped (kept in the audit chain).")
        var reason = "dropped by operator"

        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (repository, store) = try options.openStore()
            let operations = try JobOperations(store: store, config: options.config(for: repository))
            let dropped = try operations.dropQuarantine(id, reason: reason)
            print(
                "dropped \(dropped.record.id.short) (\(dropped.record.reason))\(dropped.job.map { "; job \($0.id.short) is \($0.state)" } ?? "")"
            )
        }
    }
}
