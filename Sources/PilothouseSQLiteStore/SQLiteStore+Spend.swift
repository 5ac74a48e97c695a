import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Total spend and today's (UTC), from the ledger.
    public func spendSummary(now: Date) throws -> (total: Money, today: Money) {
        try read { db in
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let midnight = SQLiteStore.millis(calendar.startOfDay(for: now))
            let total =
                try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(cost_micros), 0) FROM llm_calls") ?? 0
            let today =
                try Int64.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(cost_micros), 0) FROM llm_calls WHERE created_at >= ?",
                    arguments: [midnight]) ?? 0
            return (Money(micros: total), Money(micros: today))
        }
    }
}
