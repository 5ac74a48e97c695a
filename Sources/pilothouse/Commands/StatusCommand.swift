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

    struct Report: Encodable {
        var repository: String
        var jobs: [String: Int]
        var totalJobs: Int
        var quarantined: Int
        var spendTotalUSD: String
        var spendTodayUSD: String
        var oldestAwaitingApproval: OldestApproval?
        var beads: Int
        /// `[pipeline] allow_ungated_merge`: merges may skip check and approve.
        var allowUngatedMerge: Bool
        /// Why the configuration could not be read, if it could not.
        var configError: String?

        struct OldestApproval: Encodable {
            var id: String
            var title: String
            var waitingSince: Date
        }
    }

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
        let counts = try store.jobCounts()
        let oldest = try store.jobs(state: .awaitingApproval).min { $0.updatedAt < $1.updatedAt }
        let spend = try store.spendSummary()
        let report = Report(
            repository: repository.root,
            jobs: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
            totalJobs: counts.values.reduce(0, +), quarantined: try store.quarantineRecords().count,
            spendTotalUSD: spend.total.dollarsString, spendTodayUSD: spend.today.dollarsString,
            oldestAwaitingApproval: oldest.map {
                .init(id: $0.id.rawValue, title: $0.title, waitingSince: $0.updatedAt)
            },
            beads: Int(try store.lastBeadSeq()),
            allowUngatedMerge: config?.engine.engine.allowUngatedMerge ?? false, configError: configProblem)
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
        let line = order.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }.joined(
            separator: " · ")
        print("jobs:       \(report.totalJobs == 0 ? "none" : line)")
        print("quarantine: \(report.quarantined) record\(report.quarantined == 1 ? "" : "s")")
        print("spend:      \(spend.total) total, \(spend.today) today (UTC)")
        if let oldest {
            print(
                "waiting:    \(oldest.id.short) \"\(oldest.title)\" since \(Age.text(since: oldest.updatedAt)) ago"
            )
        }
        print("beads:      \(report.beads)")
        if let warning = config?.engine.ungatedMergeWarning { print("gates:      \(warning)") }
        if let configProblem { print("config:     \(configProblem)") }
    }
}
