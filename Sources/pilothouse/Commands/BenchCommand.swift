import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// Throughput measurements, run on demand and written to Docs/PERFORMANCE.md by hand:
/// numbers from a benchmark, never assertions in a unit test.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure bead appends per second and jobs per second through the pipeline.",
        discussion:
            "Runs in a temporary directory; nothing of yours is touched. Prints one line per measurement.")

    @Option(help: "Beads to append (one transaction each).")
    var beads = 2_000

    @Option(help: "Jobs to run through the full default pipeline (0 skips it).")
    var jobs = 50

    @Option(help: "Concurrent jobs for the pipeline measurement.")
    var swarm = 8

    @Flag(
        help:
            "Also measure the gateway: rate-limit windows at 3× load (simulated minutes) and overhead per call."
    )
    var gateway = false

    func validate() throws {
        if beads < 1 { throw ValidationError("--beads must be at least 1") }
        if jobs < 0 { throw ValidationError("--jobs must not be negative") }
        if !(1...256).contains(swarm) { throw ValidationError("--swarm must be from 1 to 256") }
    }

    func run() async throws {
        let directory = NSTemporaryDirectory() + "pilothouse-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let store = try SQLiteStore.openOrCreate(path: directory + "/bench.db")
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for index in 0..<beads {
                try store.appendBead(
                    jobID: nil, kind: "bench", message: "bead \(index)", metadata: ["n": String(index)])
            }
        }
        print(
            String(
                format: "bead appends: %d in %.3f s = %.0f/s (one IMMEDIATE transaction each, WAL)", beads,
                elapsed.seconds, Double(beads) / elapsed.seconds))
        var report = BeadChainReport.ok(count: 0)
        let verify = try clock.measure { report = try store.verifyBeads() }
        guard case .ok = report else {
            throw CommandFailure("the benchmark's own bead chain is broken: \(report)")
        }
        print(String(format: "beads verify: %d beads in %.3f s", beads, verify.seconds))

        if jobs > 0 {
            try await PipelineBenchmark(directory: directory, jobs: jobs, swarm: swarm).run()
        }
        if gateway {
            try await GatewayBenchmarks.rateLimits()
            try await GatewayBenchmarks.rateLimits(rpm: 60, tpm: 3_000)
            try await GatewayBenchmarks.overhead()
            GatewayBenchmarks.streaming()
        }
    }
}
