import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the swarm without the console (headless).",
        discussion: """
            On a terminal a live one-line summary is shown; otherwise, or with --json, one JSON event per
            line (schema: Docs/OPERATIONS.md). SIGINT/SIGTERM stop claiming work, let running stages finish
            or meet their deadlines, and exit; a second signal exits at once. A closed stdout (`run --json | head -1`)
            is an interrupt too: jobs are queued again and the run exits 130.

            Exit codes: 0 all done, 1 some job failed or was quarantined, 2 usage or configuration error,
            3 stopped by budget, 4 jobs still held by another engine (named on stderr), 5 the store could not
            be written (disk full) for [engine] disk_full_wait_seconds, 130 interrupted.
            With --until-idle the run waits for jobs other engines hold; a dead engine's jobs on this
            host are taken back at once, those of an engine elsewhere when its lease expires.
            """)

    @Flag(
        help: "Stop when nothing is queued or running (jobs waiting for approval do not keep the run alive).")
    var untilIdle = false

    @Flag(help: "One JSON event per line, even on a terminal.")
    var json = false

    @Option(help: ArgumentHelp("An enforced budget for this run, in USD (e.g. 2.50).", valueName: "usd"))
    var budget: String?

    @Flag(
        help: "Approve patches that pass the auto-approve rule (review score, tests, policy) without asking.")
    var autoApprove = false

    @Option(help: "Jobs worked on at once (default: [engine] swarm_size).")
    var swarm: Int?

    @Option(help: "Seed of the simulated provider, for reproducible runs.")
    var seed: UInt64?

    @Option(
        help: ArgumentHelp(
            "Fraction of simulated model calls that fail (0–1), to exercise retries and quarantine.",
            valueName: "rate"))
    var injectFailures: Double?

    @Option(
        help: ArgumentHelp(
            "Lease length in seconds (how soon a crashed run's jobs come back).", valueName: "seconds"))
    var leaseSeconds: Int?

    @OptionGroup var options: RepositoryOptions

    func validate() throws {
        if let budget, Money(dollars: budget) == nil {
            throw ValidationError("--budget \(budget) is not a dollar amount; write it like 2.50")
        }
        if let swarm, !(1...256).contains(swarm) { throw ValidationError("--swarm must be from 1 to 256") }
        if let injectFailures, !(0...1).contains(injectFailures) {
            throw ValidationError("--inject-failures must be a fraction from 0 to 1")
        }
        if let leaseSeconds, !(2...86_400).contains(leaseSeconds) {
            throw ValidationError("--lease-seconds must be from 2 to 86400")
        }
    }

    func run() async throws {
        let assembly = try EngineAssembly.make(
            options: options,
            overrides: .init(
                runBudget: budget.flatMap(Money.init(dollars:)), autoApprove: autoApprove ? true : nil,
                swarmSize: swarm,
                seed: seed, injectFailures: injectFailures, leaseSeconds: leaseSeconds))
        let engine = assembly.engine
        let mode: HeadlessReporter.Mode = json || isatty(STDOUT_FILENO) == 0 ? .jsonLines : .progressLine
        let events = await engine.events()
        let printer = Task {
            var reporter = HeadlessReporter(mode: mode, text: assembly.store.stored)
            var stopped = false
            for await event in events where !reporter.handle(event) && !stopped {
                stopped = true
                await engine.stop(interrupted: true)
            }
            return reporter
        }
        let forwarder = assembly.forwardGatewayNotices()
        let maintenance = assembly.maintainWorkspace()
        if let hint = assembly.statusHint, mode == .progressLine { await engine.notify(hint) }
        if let warning = assembly.config.engine.ungatedMergeWarning, mode == .jsonLines {
            await engine.notify(warning)
        }
        let signals = SignalWatcher { _ in Task { await engine.stop(interrupted: true) } }
        let summary = await engine.run(untilIdle: untilIdle)
        signals.cancel()
        forwarder.cancel()
        maintenance.cancel()
        if let held = summary.heldElsewhereText {
            FileHandle.standardError.write(Data("pilothouse: \(held)\n".utf8))
        }

        let code: Int32 =
            summary.interrupted
            ? 130
            : summary.storageFailed
                ? 5
                : summary.budgetStopped
                    ? 3
                    : !(summary.failed.isEmpty && summary.quarantined.isEmpty)
                        ? 1 : !summary.heldElsewhere.isEmpty ? 4 : 0
        assembly.recordRunEnd(exitCode: code)
        await engine.closeEvents()
        let reporter = await printer.value
        reporter.finish(
            exitCode: code,
            summary: [
                "merged": summary.merged.count, "completed": summary.completed.count,
                "failed": summary.failed.count,
                "quarantined": summary.quarantined.count,
                "awaiting_approval": summary.awaitingApproval.count,
            ])
        if code != 0 { throw ExitCode(code) }
    }
}
