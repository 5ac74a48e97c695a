import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// `pilothouse gc [--older-than 14d] [--dry-run] [--json]`: removes what finished jobs left
/// behind (see `GarbageCollector` for what counts, and why active jobs are safe).
struct GcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove worktrees, branches, transcripts and cache entries of jobs that finished long ago.",
        discussion: """
            Collects quarantined, failed, rejected, cancelled and kept merged jobs whose last event \
            (bead or state change) is older than --older-than, worktrees and branches of jobs the \
            store does not know, transcripts of those jobs and cache entries unused for that long. \
            Jobs that are queued, running, awaiting approval, merging, needing a rebase, paused or \
            on budget hold are never touched. Safe while an engine runs.
            """)

    @Option(
        name: .customLong("older-than"),
        help: ArgumentHelp(
            "Collect jobs whose last event is older than this (90s, 30m, 12h, 14d).", valueName: "age"))
    var olderThan = "14d"

    @Flag(name: .customLong("dry-run"), help: "Report what would be removed; remove nothing.")
    var dryRun = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var options: RepositoryOptions

    func validate() throws {
        if AgeText.seconds(olderThan) == nil {
            throw ValidationError("--older-than \(olderThan) is not an age; write e.g. 90s, 30m, 12h or 14d")
        }
    }

    func run() throws {
        let (repository, store) = try options.openStore()
        let collector = GarbageCollector(store: store, worktrees: WorktreeManager(repository: repository))
        let report: GarbageReport
        do {
            report = try collector.collect(olderThan: AgeText.seconds(olderThan) ?? 0, dryRun: dryRun)
        } catch {
            throw CommandFailure("gc stopped: \(error)", code: 1)
        }
        if json {
            print(try JSONOutput.encode(report))
            return
        }
        let verb = dryRun ? "would remove" : "removed"
        for job in report.jobs {
            let what = [job.worktree ? "worktree" : nil, job.refs.isEmpty ? nil : "\(job.refs.count) ref(s)"]
                .compactMap { $0 }.joined(separator: " and ")
            print("\(verb) \(what) of job \(job.job) (\(job.state), last event \(job.lastEvent ?? "none"))")
        }
        for name in report.staleCheckouts {
            print("removed the merge queue checkout \(name) of an engine that is gone")
        }
        print(
            "gc: \(verb) \(report.jobs.count) job(s)' worktrees and refs (\(report.bytesFreed) bytes), "
                + "\(report.transcriptsDeleted) transcript(s), \(report.cacheEntriesDeleted) cache entries, "
                + "\(report.outboxRowsDeleted) settled webhook deliveries; "
                + "kept \(report.keptActive) active or held, \(report.keptRecent) finished within \(olderThan)"
        )
    }
}
