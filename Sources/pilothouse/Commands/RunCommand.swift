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

    @OptionGroup var engineOptions: EngineRunOptions

    @OptionGroup var options: RepositoryOptions

    func run() async throws {
        try await HeadlessRun(
            options: options, overrides: engineOptions.overrides, json: engineOptions.json,
            untilIdle: untilIdle,
            stopBySignalSucceeds: false, metrics: engineOptions.metrics
        ).run()
    }
}
