import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// `pilothouse queue`: the merge queue as the store has it, from any process — what the
/// console's queue view shows, headless.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List approved jobs waiting to merge, in queue order, and the batch under test.")

    @Flag(help: "Print JSON (schema in Docs/JSON.md).")
    var json = false

    @OptionGroup var options: RepositoryOptions

    struct Report: Encodable {
        var batchSize: Int
        /// The tree hash under test, and since when; nil while nothing is tested.
        var candidateTree: String?
        var testingSince: Date?
        var entries: [Entry]

        struct Entry: Encodable {
            var position: Int
            var jobId: String
            var title: String
            var priority: Priority
            var approvedAt: Date
            var testing: Bool
        }
    }

    func run() throws {
        let (repository, store) = try options.openStoreForReading()
        let batchSize =
            (try? options.config(for: repository))?.mergeQueue.batchSize ?? MergeQueueSection().batchSize
        let status = try store.mergeQueueStatus(batchSize: batchSize)
        let report = Report(
            batchSize: status.batchSize, candidateTree: status.candidateTree,
            testingSince: status.testingSince,
            entries: status.entries.enumerated().map { index, entry in
                Report.Entry(
                    position: index + 1, jobId: entry.jobID.rawValue, title: entry.title,
                    priority: entry.priority,
                    approvedAt: entry.approvedAt, testing: entry.testing)
            })
        if json {
            print(try JSONOutput.encode(report))
            return
        }
        guard !status.entries.isEmpty else {
            print("the merge queue is empty (batch size \(status.batchSize))")
            return
        }
        print(
            TextTable.render(
                header: ["POS", "ID", "PRI", "STATE", "APPROVED", "TITLE"],
                rows: report.entries.map { entry in
                    [
                        "\(entry.position)", JobID(entry.jobId)?.short ?? entry.jobId,
                        entry.priority.description,
                        entry.testing ? "testing" : "waiting", Age.text(since: entry.approvedAt) + " ago",
                        entry.title,
                    ]
                }))
        if let tree = status.candidateTree, let since = status.testingSince {
            print(
                "testing: \(status.batch.count) job\(status.batch.count == 1 ? "" : "s") on candidate \(tree.prefix(12)) for \(Age.text(since: since)) (batch size \(status.batchSize))"
            )
        }
    }
}
