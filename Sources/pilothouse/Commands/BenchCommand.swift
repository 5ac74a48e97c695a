import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore

/// Throughput measurements, run on demand and written to Docs/PERFORMANCE.md by hand:
/// numbers from a benchmark, never assertions in a unit test.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Measure bead appends, claims and jobs per second through the pipeline, on SQLite or PostgreSQL.",
        discussion: """
            Every measurement gets a new, empty store of its own; nothing of yours is read or
            written. Without --store: SQLite files in a temporary directory, removed at the end.
            PILOTHOUSE_STORE_URL and [store] url are ignored on purpose: they name a fleet's real
            store, whose jobs a benchmark would claim.

            With --store postgres://USER@HOST:PORT/DATABASE: bench connects to that database only
            to create a scratch database beside it on the same server (pilothouse_bench_<UTC
            time>_<random>, one per measurement; the user needs the CREATEDB privilege) and drops
            each at the end, also on Ctrl-C. DATABASE itself is never read or written. A benchmark
            killed with SIGKILL leaves its scratch databases behind; the next one names them.
            The password comes from the URL, PGPASSWORD or ~/.pgpass, and is never printed.

            Prints one line per measurement, or with --json one document (snake_case keys; schema
            in Docs/PERFORMANCE.md) with the load average before and after.
            """)

    @Option(help: "Beads to append (one transaction each; 0 skips it).")
    var beads = 2_000

    @Option(help: "Jobs to claim in the claim measurement (0 skips it).")
    var claims = 1_000

    @Option(help: "Concurrent claimers for the claim measurement, each with its own connection, as engines.")
    var claimers = 4

    @Option(help: "Jobs to run through the full default pipeline (0 skips it).")
    var jobs = 50

    @Option(help: "Concurrent jobs for the pipeline measurement.")
    var swarm = 8

    @Option(
        help: ArgumentHelp(
            "Measure on PostgreSQL, in scratch databases created on this server and dropped at the end.",
            valueName: "postgres://user@host:port/database"))
    var store: String?

    @Flag(help: "Print one JSON document (snake_case keys) instead of lines.")
    var json = false

    @Flag(
        help:
            "Also measure the gateway: rate-limit windows at 3× load (simulated minutes) and overhead per call."
    )
    var gateway = false

    func validate() throws {
        if beads < 0 { throw ValidationError("--beads must not be negative") }
        if claims < 0 { throw ValidationError("--claims must not be negative") }
        if !(1...64).contains(claimers) { throw ValidationError("--claimers must be from 1 to 64") }
        if jobs < 0 { throw ValidationError("--jobs must not be negative") }
        if !(1...256).contains(swarm) { throw ValidationError("--swarm must be from 1 to 256") }
        if json && gateway {
            throw ValidationError("--gateway prints lines only; leave out --json or --gateway")
        }
        if let store {
            do {
                _ = try PostgresStoreURL(parsing: store)
            } catch {
                // The parser's message leaves out the password.
                throw ValidationError("--store: \(error.description)")
            }
        }
    }

    /// Everything one run measured: `bench --json`.
    struct Report: Encodable {
        var backend: String
        /// The server the scratch databases were made on, without its password.
        var server: String?
        var loadAverageBefore: [Double]
        var loadAverageAfter: [Double]?
        var beadAppends: BeadAppends?
        var claims: ClaimBenchmark.Result?
        var pipeline: PipelineBenchmark.Result?
    }

    struct BeadAppends: Encodable {
        var beads: Int
        var seconds: Double
        var perSecond: Double
        var verifySeconds: Double
    }

    func run() async throws {
        let directory = NSTemporaryDirectory() + "pilothouse-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        var server: PostgresStoreURL?
        if let store { server = try RepositoryOptions.withPassword(store) }
        let stores = BenchStores(backend: server.map { .postgres($0) } ?? .sqlite, directory: directory)
        var report = Report(
            backend: stores.name, server: server?.location, loadAverageBefore: Self.loadAverage())
        let leftovers = try stores.leftovers()
        if !leftovers.isEmpty {
            printError(
                "note: \(leftovers.count) scratch database\(leftovers.count == 1 ? "" : "s") of benchmarks that were killed (or run now) remain on the server: \(leftovers.joined(separator: ", ")); drop each with DROP DATABASE name"
            )
        }
        // Ctrl-C drops the scratch databases before the process ends.
        let watcher = SignalWatcher { _ in stores.interrupt() }
        defer { watcher.cancel() }
        do {
            try await measure(stores, directory: directory, into: &report)
        } catch {
            for problem in stores.dropAll() { printError("error: \(problem)") }
            throw error
        }
        let problems = stores.dropAll()
        report.loadAverageAfter = Self.loadAverage()
        if json {
            print(try JSONOutput.encode(report))
        } else {
            let text = { (values: [Double]) in
                values.map { String(format: "%.2f", $0) }.joined(separator: " ")
            }
            print(
                "load average (1, 5, 15 min): \(text(report.loadAverageBefore)) before, \(text(report.loadAverageAfter ?? [])) after"
            )
        }
        if !problems.isEmpty { throw CommandFailure(problems.joined(separator: "; ")) }
    }

    /// Runs each measurement asked for in a store of its own, printing its lines as it ends
    /// unless the report is printed as JSON at the end.
    private func measure(_ stores: BenchStores, directory: String, into report: inout Report) async throws {
        say(
            stores.name == "sqlite"
                ? "store: sqlite, files in a temporary directory"
                : "store: postgres, scratch databases on \(report.server ?? "") (dropped at the end)")
        if beads > 0 {
            let store = try stores.fresh("beads").store
            let clock = ContinuousClock()
            let elapsed = try clock.measure {
                for index in 0..<beads {
                    try store.appendBead(
                        jobID: nil, kind: "bench", message: "bead \(index)", metadata: ["n": String(index)])
                }
            }
            var chain = BeadChainReport.ok(count: 0)
            let verify = try clock.measure { chain = try store.verifyBeads() }
            guard case .ok = chain else {
                throw CommandFailure("the benchmark's own bead chain is broken: \(chain)", code: 1)
            }
            report.beadAppends = BeadAppends(
                beads: beads, seconds: elapsed.seconds, perSecond: Double(beads) / elapsed.seconds,
                verifySeconds: verify.seconds)
            say(
                String(
                    format: "bead appends: %d in %.3f s = %.0f/s (one write transaction each)", beads,
                    elapsed.seconds, Double(beads) / elapsed.seconds))
            say(String(format: "beads verify: %d beads in %.3f s", beads, verify.seconds))
        }
        if claims > 0 {
            let fresh = try stores.fresh("claims")
            let result = try await ClaimBenchmark(jobs: claims, workers: claimers).run(
                store: fresh.store, openHandle: fresh.openHandle)
            report.claims = result
            say(
                String(
                    format:
                        "claims: %d jobs by %d claimers in %.2f s = %.0f claims/s (enqueue %.0f jobs/s, one handle)",
                    result.jobs, result.workers, result.claimSeconds, result.claimsPerSecond,
                    result.enqueuePerSecond))
        }
        if jobs > 0 {
            let result = try await PipelineBenchmark(
                directory: directory, jobs: jobs, swarm: swarm, store: try stores.fresh("pipeline").store
            ).run()
            report.pipeline = result
            PipelineBenchmark.lines(result).forEach(say)
        }
        if gateway {
            try await GatewayBenchmarks.rateLimits()
            try await GatewayBenchmarks.rateLimits(rpm: 60, tpm: 3_000)
            try await GatewayBenchmarks.overhead()
            GatewayBenchmarks.streaming()
        }
    }

    /// A line of the text output; nothing with `--json`, whose document comes at the end.
    private func say(_ line: String) {
        if !json { print(line) }
    }

    /// The 1-, 5- and 15-minute load averages: the machine's other work, for reading a figure.
    static func loadAverage() -> [Double] {
        var values = [Double](repeating: 0, count: 3)
        return getloadavg(&values, 3) == 3 ? values.map { ($0 * 100).rounded() / 100 } : []
    }
}
