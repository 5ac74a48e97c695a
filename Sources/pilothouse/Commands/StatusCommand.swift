import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Summarize the store without running anything: jobs by state, spend, oldest waiting approval.")

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let (repository, store) = try options.openStoreForReading()
        // A broken configuration must not hide the store's state: it is reported, not thrown.
        let config: PilothouseConfig?
        let configProblem: String?
        do {
            config = try options.config(for: repository)
            configProblem = nil
        } catch {
            config = nil
            configProblem = "\(error)"
        }
        let report = try StatusReport(
            store: store, repository: repository.root, config: config, configError: configProblem)
        let spend = try store.spendSummary()
        if json {
            print(try JSONOutput.encode(report))
            return
        }
        print("Pilothouse — \(repository.root)")
        let order: [JobState] = [
            .queued, .running, .awaitingApproval, .merging, .merged, .completed, .needsRebase, .paused,
            .budgetHold,
            .quarantined,
            .failed, .rejected, .cancelled,
        ]
        let line = order.compactMap { state in report.jobs[state.rawValue].map { "\($0) \(state.rawValue)" } }
            .joined(
                separator: " · ")
        print("jobs:       \(report.totalJobs == 0 ? "none" : line)")
        print("quarantine: \(report.quarantined) record\(report.quarantined == 1 ? "" : "s")")
        print("spend:      \(spend.total) total, \(spend.today) today (UTC)")
        if let oldest = report.oldestAwaitingApproval {
            print(
                "waiting:    \(JobID(oldest.id)?.short ?? oldest.id) \"\(oldest.title)\" since \(Age.text(since: oldest.waitingSince)) ago"
            )
        }
        print("beads:      \(report.beads)")
        if let warning = config?.engine.ungatedMergeWarning { print("gates:      \(warning)") }
        if let configProblem { print("config:     \(configProblem)") }
    }
}
