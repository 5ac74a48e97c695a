import Foundation
import PilothouseCore

/// Spend and tokens from the ledger, optionally grouped, as `pilothouse cost` prints them.
public struct CostReport: Sendable, Hashable {
    public enum Grouping: String, Sendable, CaseIterable {
        case model, job, stage, day
    }

    public struct Row: Sendable, Hashable {
        public var key: String
        public var calls: Int
        public var tokens: TokenCounts
        public var cost: Money

        public init(key: String, calls: Int = 0, tokens: TokenCounts = .zero, cost: Money = .zero) {
            self.key = key
            self.calls = calls
            self.tokens = tokens
            self.cost = cost
        }
    }

    public var grouping: Grouping?
    public var rows: [Row]
    public var total: Row

    public init(grouping: Grouping?, rows: [Row], total: Row) {
        self.grouping = grouping
        self.rows = rows
        self.total = total
    }
}
