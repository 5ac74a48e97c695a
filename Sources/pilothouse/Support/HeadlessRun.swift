import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseMetrics

/// An engine without the console, as `run` and `engine` start it: events printed as one JSON
/// object per line (or a live summary line on a terminal), signals stopping it gently, and
/// an exit code that says how it ended.
struct HeadlessRun {
    let options: RepositoryOptions
    let overrides: EngineAssembly.Overrides
    let json: Bool
    let untilIdle: Bool
    /// `engine`: a worker stopped by SIGINT/SIGTERM ended as asked (exit 0), and its jobs'
    /// failures are the fleet's business, not its exit code. `run`: an interrupt is exit 130.
    let stopBySignalSucceeds: Bool
    /// `--metrics`: where to serve Prometheus metrics while the engine runs.
    var metrics: MetricsAddress? = nil

    func run() async throws {
        let assembly = try EngineAssembly.make(options: options, overrides: overrides)
        let engine = assembly.engine
        await assembly.startSchedules()
        let mode: HeadlessReporter.Mode = json || isatty(STDOUT_FILENO) == 0 ? .jsonLines : .progressLine
        let events = await engine.events()
        let printer = Task {
            var reporter = HeadlessReporter(mode: mode, text: assembly.store.stored)
            var stopped = false
            for await event in events where !reporter.handle(event) && !stopped {
                // stdout closed (`run --json | head -1`): an interrupt, whatever the command.
                stopped = true
                await engine.stop(interrupted: true)
            }
            return reporter
        }
        let metricsEndpoint: MetricsEndpoint?
        do {
            metricsEndpoint = try await MetricsStartup.start(metrics, store: assembly.store, engine: engine)
        } catch {
            assembly.recordRunEnd(exitCode: 2)
            throw error
        }
        if let metricsEndpoint {
            FileHandle.standardError.write(Data("pilothouse: metrics at \(metricsEndpoint.url)\n".utf8))
        }
        let forwarder = assembly.forwardGatewayNotices()
        let maintenance = assembly.maintainWorkspace()
        let webhooks = assembly.deliverWebhooks()
        if let hint = assembly.statusHint, mode == .progressLine { await engine.notify(hint) }
        if let warning = assembly.config.engine.ungatedMergeWarning, mode == .jsonLines {
            await engine.notify(warning)
        }
        let signals = SignalWatcher { [stopBySignalSucceeds] _ in
            Task { await engine.stop(interrupted: !stopBySignalSucceeds) }
        }
        let summary = await engine.run(untilIdle: untilIdle)
        signals.cancel()
        forwarder.cancel()
        maintenance.cancel()
        if let held = summary.heldElsewhereText {
            FileHandle.standardError.write(Data("pilothouse: \(held)\n".utf8))
        }
        let code = exitCode(summary)
        assembly.recordRunEnd(exitCode: code)
        webhooks?.cancel()
        await webhooks?.value
        await assembly.flushWebhooks()
        await engine.closeEvents()
        await metricsEndpoint?.stop()
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

    private func exitCode(_ summary: Engine.RunSummary) -> Int32 {
        if summary.interrupted { return 130 }
        if summary.storageFailed { return 5 }
        if stopBySignalSucceeds { return 0 }
        if summary.budgetStopped { return 3 }
        if !(summary.failed.isEmpty && summary.quarantined.isEmpty) { return 1 }
        return summary.heldElsewhere.isEmpty ? 0 : 4
    }
}
