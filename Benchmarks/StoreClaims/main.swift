// Claims per second with several handles on one store, each its own connection as another
// engine's would be: `swift run StoreClaims sqlite|postgres://USER@HOST:PORT/DB [jobs] [handles]`.
// The same measurement as `pilothouse bench --store URL --jobs 0 --beads 0` (`ClaimBenchmark`),
// without the executable's other dependencies. PostgreSQL: in a scratch database created beside
// DB and dropped at the end; DB itself is not touched. Not part of `swift test`.
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore
import PilothouseSQLiteStore

let arguments = Array(CommandLine.arguments.dropFirst())
let target = arguments.first ?? "sqlite"
let jobCount = arguments.count > 1 ? Int(arguments[1]) ?? 2_000 : 2_000
let handleCount = arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4
let directory = NSTemporaryDirectory() + "store-claims-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

/// The store to measure and, for PostgreSQL, its scratch database to drop at the end.
func makeTarget(_ target: String, directory: String) throws -> (
    open: @Sendable () throws -> any PilothouseStore, scratch: PostgresScratchDatabase?
) {
    if target == "sqlite" {
        let path = directory + "/bench.db"
        _ = try SQLiteStore.openOrCreate(path: path)
        return ({ try SQLiteStore.open(path: path) }, nil)
    }
    var server = try PostgresStoreURL(parsing: target)
    if server.password == nil {
        server.password = PostgresPassword.lookup(
            for: server, environment: ProcessInfo.processInfo.environment)
    }
    let database = try PostgresScratchDatabase.create(beside: server)
    return ({ try PostgresStore.open(database.url) }, database)
}

let (openHandle, scratch) = try makeTarget(target, directory: directory)
do {
    let result = try await ClaimBenchmark(jobs: jobCount, workers: handleCount).run(
        store: try openHandle(), openHandle: openHandle)
    print("backend: \(target == "sqlite" ? "sqlite" : "postgres"), handles: \(handleCount)")
    print(
        String(
            format: "enqueue: %d jobs in %.2f s (%.0f jobs/s, one handle)", result.jobs,
            result.enqueueSeconds,
            result.enqueuePerSecond))
    print(
        String(
            format: "claims: %d in %.2f s = %.0f claims/s (each job once, chain verified)", result.jobs,
            result.claimSeconds, result.claimsPerSecond))
} catch {
    print("error: \(error)")
}
try scratch?.drop()
