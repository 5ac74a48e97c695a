import Foundation
import PilothouseCore

extension CostReport {
    /// The report as `pilothouse cost --json` and the MCP `cost` tool give it: dollars as
    /// exact decimals next to the integer micro-dollars they come from. Keys are listed in
    /// Docs/JSON.md.
    public struct Document: Encodable, Sendable {
        public struct Row: Encodable, Sendable {
            var key: String
            var calls: Int
            var tokens_in: Int
            var tokens_out: Int
            var tokens_cached: Int
            var cost_usd: Decimal
            var cost_micros: Int64
        }
        var by: String?
        var rows: [Row]
        var calls: Int
        var tokens_in: Int
        var tokens_out: Int
        var tokens_cached: Int
        var total_usd: Decimal
        var total_micros: Int64
    }

    public var document: Document {
        func dollars(_ money: Money) -> Decimal { Decimal(money.micros) / Decimal(1_000_000) }
        return Document(
            by: grouping?.rawValue,
            rows: rows.map {
                Document.Row(
                    key: $0.key, calls: $0.calls, tokens_in: $0.tokens.input, tokens_out: $0.tokens.output,
                    tokens_cached: $0.tokens.cachedInput, cost_usd: dollars($0.cost),
                    cost_micros: $0.cost.micros)
            },
            calls: total.calls, tokens_in: total.tokens.input, tokens_out: total.tokens.output,
            tokens_cached: total.tokens.cachedInput, total_usd: dollars(total.cost),
            total_micros: total.cost.micros)
    }
}
