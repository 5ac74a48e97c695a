import ArgumentParser
import PilothouseCore
import PilothouseMetrics

/// The options an engine is started with, shared by `run` and `engine`.
struct EngineRunOptions: ParsableArguments {
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

    @Option(
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://ADDRESS/metrics: 127.0.0.1:9464 for this machine only, "
                + "0.0.0.0:9464 for every interface, port 0 for a free port.",
            valueName: "address"),
        transform: { try MetricsAddress(parsing: $0) })
    var metrics: MetricsAddress?

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

    var overrides: EngineAssembly.Overrides {
        .init(
            runBudget: budget.flatMap(Money.init(dollars:)), autoApprove: autoApprove ? true : nil,
            swarmSize: swarm,
            seed: seed, injectFailures: injectFailures, leaseSeconds: leaseSeconds)
    }
}
