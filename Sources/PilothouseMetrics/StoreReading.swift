import PilothouseCore
import PilothouseEngine
import Prometheus

/// What the store reads at scrape time: the part of the metrics that is the same whichever
/// engine (or console) sharing the store is scraped, and that `status --json` and
/// `cost --json` print too.
struct StoreReading: Sendable, Equatable {
    var jobCounts: [JobState: Int]
    var ledger: [LedgerTotal]
    var quarantine: [QuarantineReason: Int]
    var beads: Int64

    /// Four queries, none of which reads every job, bead or ledger row into memory but the
    /// quarantine list (records wait for an operator, so it stays short).
    static func read(from store: any MetricsStore) throws -> StoreReading {
        StoreReading(
            jobCounts: try store.jobCounts(), ledger: try store.ledgerTotals(),
            quarantine: Dictionary(grouping: try store.quarantineRecords(), by: \.reason).mapValues(\.count),
            beads: try store.lastBeadSeq())
    }

    /// Registers every family in `registry`, with a zero for each state and reason that has
    /// none, so a dashboard's series exist from the first scrape.
    func register(in registry: PrometheusCollectorRegistry) {
        for state in JobState.allCases {
            registry.makeGauge(descriptor: MetricCatalog.jobs, labels: [("state", state.rawValue)])
                .set(Double(jobCounts[state] ?? 0))
        }
        registry.makeGauge(descriptor: MetricCatalog.queueDepth).set(Double(jobCounts[.queued] ?? 0))
        registry.makeGauge(descriptor: MetricCatalog.approvalsWaiting)
            .set(Double(jobCounts[.awaitingApproval] ?? 0))
        var tokens: [String: TokenCounts] = [:]
        var spend: [String: Money] = [:]
        for total in ledger {
            registry.makeCounter(
                descriptor: MetricCatalog.llmRequests,
                labels: [("model", total.model), ("outcome", total.outcome)]
            ).increment(by: Self.count(total.calls))
            tokens[total.model, default: .zero] = tokens[total.model, default: .zero] + total.tokens
            spend[total.model, default: .zero] = spend[total.model, default: .zero] + total.cost
        }
        for (model, counts) in tokens {
            for (kind, value) in [
                ("input", counts.input), ("output", counts.output), ("cached_input", counts.cachedInput),
            ] {
                registry.makeCounter(
                    descriptor: MetricCatalog.llmTokens, labels: [("model", model), ("kind", kind)]
                )
                .increment(by: Self.count(value))
            }
        }
        for (model, money) in spend {
            registry.makeCounter(descriptor: MetricCatalog.llmSpend, labels: [("model", model)])
                .increment(by: Double(max(0, money.micros)) / 1_000_000)
        }
        for reason in QuarantineReason.allCases {
            registry.makeGauge(
                descriptor: MetricCatalog.quarantineRecords, labels: [("reason", reason.rawValue)]
            )
            .set(Double(quarantine[reason] ?? 0))
        }
        registry.makeCounter(descriptor: MetricCatalog.beads).increment(by: max(0, beads))
    }
}

extension StoreReading {
    /// A counter only grows, and the library traps on a negative step: a provider that
    /// reported negative usage (stored as it came) must not bring the engine down at the next
    /// scrape, so such a sum counts as zero.
    fileprivate static func count(_ value: Int) -> Int64 { Int64(max(0, value)) }
}

/// The parts of the store the metrics read.
public typealias MetricsStore = JobStore & LedgerStore & QuarantineStore & BeadStore
