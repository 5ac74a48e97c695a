import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine

/// `pilothouse engine`: a headless worker joining a store, for a fleet of engines sharing one
/// queue. It claims work until stopped; its jobs' outcomes belong to the fleet, so SIGINT or
/// SIGTERM is its normal end (exit 0).
struct EngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Run a headless engine that joins the store's fleet and works until stopped.",
        discussion: """
            Like `run`, without the end: the engine registers on the store's engine list (see
            `pilothouse engines`), claims queued jobs beside any other engines on the same store, renews
            its leases and heartbeat, and stops claiming on SIGINT/SIGTERM, lets running stages finish,
            retires from the list and exits 0. A second signal exits at once; its jobs come back to the
            queue when its leases expire.

            Exit codes: 0 stopped by a signal, 2 usage or configuration error, 5 the store could not be
            written (disk full) for [engine] disk_full_wait_seconds, 130 stdout closed.
            """)

    @OptionGroup var engineOptions: EngineRunOptions

    @OptionGroup var options: RepositoryOptions

    func run() async throws {
        try await HeadlessRun(
            options: options, overrides: engineOptions.overrides, json: engineOptions.json, untilIdle: false,
            stopBySignalSucceeds: true, metrics: engineOptions.metrics
        ).run()
    }
}
