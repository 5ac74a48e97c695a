import Foundation
import PilothouseCore

/// The ledger summed per `provider:model` and outcome: what the metrics endpoint reports as
/// requests, tokens and spend per model, read in one grouped query at scrape time.
public struct LedgerTotal: Sendable, Hashable {
    /// `provider:model`, as the gateway's lanes and `cost --by model` name it.
    public var model: String
    /// `ok`, `cache_hit`, or a failure class (see `LedgerEntry.outcome`).
    public var outcome: String
    public var calls: Int
    public var tokens: TokenCounts
    public var cost: Money

    public init(model: String, outcome: String, calls: Int, tokens: TokenCounts, cost: Money) {
        self.model = model
        self.outcome = outcome
        self.calls = calls
        self.tokens = tokens
        self.cost = cost
    }

    /// Sums ledger rows the slow way, for a backend without a grouped query of its own.
    public static func summing(_ entries: [LedgerEntry]) -> [LedgerTotal] {
        var totals: [String: LedgerTotal] = [:]
        for entry in entries {
            let model = "\(entry.provider):\(entry.model)"
            let key = model + "\u{0}" + entry.outcome
            var total =
                totals[key]
                ?? LedgerTotal(model: model, outcome: entry.outcome, calls: 0, tokens: .zero, cost: .zero)
            total.calls += 1
            total.tokens = total.tokens + entry.tokens
            total.cost = total.cost + entry.cost
            totals[key] = total
        }
        return totals.values.sorted { ($0.model, $0.outcome) < ($1.model, $1.outcome) }
    }
}
