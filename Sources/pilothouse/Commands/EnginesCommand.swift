import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine

/// `pilothouse engines`: the engines working on this store, from any process.
struct EnginesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engines",
        abstract: "List the engines working on the store: host, pid, jobs held, heartbeat age, version.",
        discussion: """
            An engine whose heartbeat is older than its lease is shown as lost: it died or lost
            its connection, and its jobs come back to the queue when another engine reclaims them.
            With --json, a list of objects (schema: Docs/OPERATIONS.md).
            """)

    @Flag(help: "Print JSON (snake_case keys) instead of a table.")
    var json = false

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let (_, store) = try options.openStoreForReading()
        let engines = try store.engines()
        let now = Date()
        if json {
            print(try JSONOutput.encode(engines.map { EngineListing($0, now: now) }))
            return
        }
        guard !engines.isEmpty else {
            print(
                "no engine is working on this store; start one with `pilothouse engine` or `pilothouse run`")
            return
        }
        for engine in engines {
            let age = Int(now.timeIntervalSince(engine.heartbeatAt).rounded())
            let status = engine.isLost(at: now) ? "LOST (jobs reclaimable)" : "alive"
            print(
                "\(engine.host) pid \(engine.pid)  \(engine.jobsHeld) job\(engine.jobsHeld == 1 ? "" : "s") held  heartbeat \(age) s ago  \(status)  v\(engine.version)  \(engine.owner)"
            )
        }
    }
}

/// One line of `engines --json`.
private struct EngineListing: Encodable {
    var owner: String
    var host: String
    var pid: Int32
    var version: String
    var startedAt: Date
    var heartbeatAt: Date
    var heartbeatAgeSeconds: Double
    var leaseSeconds: Int
    var jobsHeld: Int
    var lost: Bool

    init(_ engine: EngineRecord, now: Date) {
        owner = engine.owner
        host = engine.host
        pid = engine.pid
        version = engine.version
        startedAt = engine.startedAt
        heartbeatAt = engine.heartbeatAt
        heartbeatAgeSeconds = (now.timeIntervalSince(engine.heartbeatAt) * 10).rounded() / 10
        leaseSeconds = engine.leaseSeconds
        jobsHeld = engine.jobsHeld
        lost = engine.isLost(at: now)
    }
}
