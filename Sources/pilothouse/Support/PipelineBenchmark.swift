import Foundation
import PilothouseCore
import PilothouseEngine

/// Jobs per second through the full default pipeline, built by `EngineAssembly` exactly as
/// `run` builds it, so the number includes what a real run pays: store transactions and beads,
/// git worktrees, policy checks, a spawned test process and merges into the integration branch.
/// Only the model is free: the simulated provider with zero latency, so what is measured is
/// Pilothouse's own overhead per job.
struct PipelineBenchmark {
    let directory: String
    let jobs: Int
    let swarm: Int
    /// The benchmark's own empty store (SQLite or PostgreSQL), handed to the engine: never the
    /// store that `--store`, `PILOTHOUSE_STORE_URL` or `[store] url` would choose for `run`.
    let store: any PilothouseStore

    /// What one run measured; part of `bench --json`.
    struct Result: Encodable {
        var jobs: Int
        var swarm: Int
        var seconds: Double
        var jobsPerSecond: Double
        var jobsPerMinute: Double
        var beads: Int64
        var beadsPerSecond: Double
        /// Started by Pilothouse itself; git's own children are only seen from outside.
        var gitProcesses: Int
        /// Mean milliseconds of each stage's finished runs, by stage name.
        var stageMeanMillis: [String: Int]
        var merged: Int
        /// Beads of the store's chain that verified after the run.
        var verifiedBeads: Int
        /// Distinct `Pilothouse-Job` trailers on the integration branch after the run.
        var integrationMerges: Int
    }

    func run() async throws -> Result {
        let root = directory + "/repo"
        let repository = try makeRepository(at: root)
        // Parsed, not `RepositoryOptions()`: a property wrapper left undecoded traps when read.
        let options = try RepositoryOptions.parse(["--repo", root])
        try RepositorySetup.ensure(repository, options: options)
        // `true` as the test command: the test stage still spawns and waits for a process.
        let config = """
            [jobs]
            max_attempts = 3

            [approval]
            min_score = 1

            [test]
            command = ["true"]

            [simulated]
            latency_ms_p50 = 0
            latency_ms_p99 = 0
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: repository.configPath))

        for index in 0..<jobs {
            let file = Self.fileName(index)
            _ = try store.enqueue(
                Job(
                    title: "bench \(index)", goal: "Fix: replace `old\(index)` with `new\(index)` in \(file)",
                    filesHint: [file]))
        }
        let beadsBefore = try store.lastBeadSeq()

        let assembly = try EngineAssembly.make(
            options: options, overrides: .init(autoApprove: true, swarmSize: swarm, seed: 1), store: store)
        // Nobody reads the gateway's events here; draining them keeps the comparison with
        // `run`, which does, fair.
        let drain = Task { for await _ in assembly.gateway.events {} }
        let clock = ContinuousClock()
        let gitBefore = GitRunner.processesStarted.load(ordering: .relaxed)
        let start = clock.now
        let summary = await assembly.engine.run(untilIdle: true)
        let elapsed = (clock.now - start).seconds
        let gitProcesses = GitRunner.processesStarted.load(ordering: .relaxed) - gitBefore
        drain.cancel()
        assembly.recordRunEnd(exitCode: 0)
        await assembly.engine.closeEvents()

        let beads = try store.lastBeadSeq() - beadsBefore
        if summary.merged.count != jobs {
            // Why each one did not merge, so a rare failure can be understood from one run.
            for id in (summary.failed.union(summary.quarantined)).sorted() {
                let last = try store.beads(jobID: id).last {
                    $0.kind == .stageFailed || $0.kind == .quarantined
                }
                printError(
                    "pilothouse: job \(id.short) did not merge: \(last?.message ?? "no failure recorded")")
            }
            throw CommandFailure(
                "only \(summary.merged.count) of \(jobs) jobs merged (\(summary.failed.count) failed, "
                    + "\(summary.quarantined.count) quarantined, \(summary.awaitingApproval.count) awaiting approval); "
                    + "the measurement is not of the full pipeline",
                code: 1)
        }
        let verified = try verifyOutcome(root: root)
        return Result(
            jobs: jobs, swarm: swarm, seconds: elapsed, jobsPerSecond: Double(jobs) / elapsed,
            jobsPerMinute: Double(jobs) / elapsed * 60, beads: beads, beadsPerSecond: Double(beads) / elapsed,
            gitProcesses: gitProcesses,
            stageMeanMillis: Dictionary(
                try store.stageTimes().map { ($0.stage.rawValue, Int($0.meanMillis.rounded())) },
                uniquingKeysWith: { first, _ in first }),
            merged: summary.merged.count, verifiedBeads: verified.beads,
            integrationMerges: verified.merges)
    }

    /// The lines `bench` prints without `--json`.
    static func lines(_ result: Result) -> [String] {
        let stages = result.stageMeanMillis.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value) ms" }
        return [
            String(
                format:
                    "pipeline: %d jobs (swarm %d) in %.2f s = %.2f jobs/s, %.0f beads/s during the run (%d beads)",
                result.jobs, result.swarm, result.seconds, result.jobsPerSecond, result.beadsPerSecond,
                result.beads),
            String(format: "pipeline: %.0f jobs/min", result.jobsPerMinute),
            // Git's own children (`worktree add` runs two) are only seen from outside:
            // strace -f -e trace=execve (Docs/PERFORMANCE.md).
            String(
                format: "git: %d processes started = %.1f per job", result.gitProcesses,
                Double(result.gitProcesses) / Double(max(result.jobs, 1))),
            "stages (mean of finished runs): " + stages.joined(separator: ", "),
            "pipeline: \(result.merged) merged",
            "pipeline: beads verify OK (\(result.verifiedBeads) beads); "
                + "\(result.integrationMerges) merges on the integration branch",
        ]
    }

    /// What the figure stands for, checked rather than assumed: the chain the run wrote
    /// verifies, and the integration branch carries one merge commit per job.
    private func verifyOutcome(root: String) throws -> (beads: Int, merges: Int) {
        let report = try store.verifyBeads()
        guard case .ok(let count) = report else {
            throw CommandFailure("the pipeline's bead chain does not verify: \(report)", code: 1)
        }
        let log = try GitRunner().run(
            [
                "log", "--format=%(trailers:key=Pilothouse-Job,valueonly)",
                WorkspaceSection.defaultIntegrationBranch,
            ],
            in: root)
        let merged = Set(log.text.split(separator: "\n").map(String.init).filter { !$0.isEmpty })
        guard log.status == 0, merged.count == jobs else {
            throw CommandFailure(
                "the integration branch carries \(merged.count) of \(jobs) jobs' merges: \(log.errorText)",
                code: 1)
        }
        return (count, merged.count)
    }

    static func fileName(_ index: Int) -> String { "file\(index).txt" }

    /// One file per job, so every merge is clean and no job waits on a rebase.
    private func makeRepository(at root: String) throws -> Repository {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for index in 0..<jobs {
            try Data("value = old\(index)\n".utf8).write(
                to: URL(fileURLWithPath: root + "/" + Self.fileName(index)))
        }
        let git = GitRunner()
        let identity = ["-c", "user.email=bench@pilothouse.invalid", "-c", "user.name=Pilothouse bench"]
        for arguments in [
            ["init", "-q", "-b", "main"], ["add", "-A"], identity + ["commit", "-q", "-m", "bench"],
        ] {
            let result = try git.run(arguments, in: root)
            guard result.status == 0 else {
                throw CommandFailure("git \(arguments.joined(separator: " ")) failed: \(result.errorText)")
            }
        }
        return try Repository.locate(from: root)
    }
}
