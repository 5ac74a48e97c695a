// Claims per second with several handles on one store, each its own connection as another
// engine's would be: `swift run StoreClaims sqlite|postgres://USER@HOST:PORT/DB [jobs] [handles]`.
// The PostgreSQL database must be empty (or new); not part of `swift test`.
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore
import PilothouseSQLiteStore
import Synchronization

let arguments = Array(CommandLine.arguments.dropFirst())
let target = arguments.first ?? "sqlite"
let jobCount = arguments.count > 1 ? Int(arguments[1]) ?? 2_000 : 2_000
let handleCount = arguments.count > 2 ? Int(arguments[2]) ?? 4 : 4
let directory = NSTemporaryDirectory() + "store-claims-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

func openStore() throws -> any PilothouseStore {
    target == "sqlite"
        ? try SQLiteStore.openOrCreate(path: directory + "/bench.db") : try PostgresStore.open(url: target)
}

let clock = ContinuousClock()
let first = try openStore()
guard try first.jobs().isEmpty else {
    print("the store at \(first.location) already has jobs; give an empty database")
    exit(2)
}
let enqueueTime = try clock.measure {
    for index in 0..<jobCount { try first.enqueue(Job(title: "bench \(index)", goal: "g")) }
}
let handles = try (0..<handleCount).map { _ in try openStore() }
let claimed = Mutex<[JobID]>([])
let failures = Mutex<[String]>([])
let claimTime = clock.measure {
    let group = DispatchGroup()
    for (index, handle) in handles.enumerated() {
        group.enter()
        Thread {
            defer { group.leave() }
            var mine: [JobID] = []
            do {
                while let job = try handle.claimNextJob(owner: "engine-\(index)", leaseUntil: .distantFuture)
                {
                    mine.append(job.id)
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
            claimed.withLock { $0 += mine }
        }.start()
    }
    group.wait()
}
let ids = claimed.withLock { $0 }
let seconds = Double(claimTime.components.seconds) + Double(claimTime.components.attoseconds) / 1e18
let enqueueSeconds =
    Double(enqueueTime.components.seconds) + Double(enqueueTime.components.attoseconds) / 1e18
print("backend: \(target == "sqlite" ? "sqlite" : "postgres"), handles: \(handleCount)")
print(
    String(
        format: "enqueue: %d jobs in %.2f s (%.0f jobs/s, one handle)", jobCount, enqueueSeconds,
        Double(jobCount) / enqueueSeconds))
print(String(format: "claims: %d in %.2f s = %.0f claims/s", ids.count, seconds, Double(ids.count) / seconds))
print("distinct jobs claimed: \(Set(ids).count); failures: \(failures.withLock { $0 })")
print("bead chain: \(try first.verifyBeads())")
