import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Records one call attempt that moved no money (a failure before any usage, a cache hit).
    @discardableResult
    public func recordCall(_ entry: LedgerEntry) throws -> Int64 {
        try write(locking: .none) { tx in try PostgresStore.insertLedgerEntry(tx, entry) }
    }

    /// Run and job ids are stored only when those rows exist: `llm_calls` references them,
    /// and a call made outside a recorded run (a test, a one-off command) must still be
    /// logged rather than fail on a foreign key.
    static func insertLedgerEntry(_ tx: PostgresTransaction, _ entry: LedgerEntry) throws -> Int64 {
        let id = try tx.value(
            """
            INSERT INTO llm_calls (run_id, job_id, stage, provider, model, requested_model, request_id,
                tokens_in, tokens_out, tokens_cached, cost_micros, latency_ms, outcome, attempt, detail, created_at)
            VALUES ((SELECT id FROM runs WHERE id = $1), (SELECT id FROM jobs WHERE id = $2), $3, $4, $5, $6, $7,
                $8, $9, $10, $11, $12, $13, $14, $15, $16)
            RETURNING id
            """,
            [
                entry.runID, entry.jobID?.rawValue, entry.stage?.rawValue, entry.provider, entry.model,
                entry.requestedModel, entry.requestID, entry.tokens.input, entry.tokens.output,
                entry.tokens.cachedInput, entry.cost.micros, entry.latencyMillis, entry.outcome,
                entry.attempt,
                entry.detail, millis(entry.createdAt),
            ], as: Int64.self)
        guard let id else { throw StoreError.database(path: tx.location, detail: "the ledger row got no id") }
        return id
    }

    /// Ledger rows, oldest first, optionally of one job.
    public func ledgerEntries(jobID: JobID?) throws -> [LedgerEntry] {
        try read { tx in
            let rows =
                try jobID.map {
                    try tx.rows("SELECT * FROM llm_calls WHERE job_id = $1 ORDER BY id", [$0.rawValue])
                }
                ?? tx.rows("SELECT * FROM llm_calls ORDER BY id")
            return try rows.map { row in
                let job: String? = try row("job_id")
                let stage: String? = try row("stage")
                let model: String = try row("model")
                let requested: String? = try row("requested_model")
                return LedgerEntry(
                    runID: try row("run_id"), jobID: job.flatMap(JobID.init),
                    stage: stage.map { StageName($0) },
                    provider: try row("provider"), model: model, requestedModel: requested ?? model,
                    requestID: try row("request_id"),
                    tokens: TokenCounts(
                        input: try row("tokens_in"), output: try row("tokens_out"),
                        cachedInput: try row("tokens_cached")),
                    cost: Money(micros: try row("cost_micros")), latencyMillis: try row("latency_ms"),
                    outcome: try row("outcome"), attempt: try row("attempt"), detail: try row("detail"),
                    createdAt: PostgresStore.date(try row("created_at")))
            }
        }
    }

    /// Sums the ledger, exactly (integer micro-dollars), grouped as asked. Keys sort byte-wise
    /// (`COLLATE "C"`), as SQLite sorts them, whatever the database's locale.
    public func costReport(by grouping: CostReport.Grouping?) throws -> CostReport {
        let keyExpression: String =
            switch grouping {
            case nil: "''"
            case .model?: "provider || ':' || model"
            case .job?: "COALESCE(job_id, '-')"
            case .stage?: "COALESCE(stage, '-')"
            case .day?: "to_char(to_timestamp(created_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            }
        return try read { tx in
            let rows = try tx.rows(
                """
                SELECT \(keyExpression) COLLATE "C" AS k, COUNT(*) AS calls, SUM(tokens_in)::BIGINT AS tin,
                    SUM(tokens_out)::BIGINT AS tout, SUM(tokens_cached)::BIGINT AS tcached,
                    SUM(cost_micros)::BIGINT AS cost
                FROM llm_calls GROUP BY k ORDER BY k
                """
            ).map { row in
                CostReport.Row(
                    key: try row("k"), calls: try row("calls"),
                    tokens: TokenCounts(
                        input: try row("tin", as: Int?.self) ?? 0,
                        output: try row("tout", as: Int?.self) ?? 0,
                        cachedInput: try row("tcached", as: Int?.self) ?? 0),
                    cost: Money(micros: try row("cost", as: Int64?.self) ?? 0))
            }
            let total = rows.reduce(into: CostReport.Row(key: "total")) { sum, row in
                sum.calls += row.calls
                sum.tokens = sum.tokens + row.tokens
                sum.cost = sum.cost + row.cost
            }
            return CostReport(grouping: grouping, rows: grouping == nil ? [] : rows, total: total)
        }
    }

    /// Total spend and today's (UTC), from the ledger.
    public func spendSummary(now: Date) throws -> (total: Money, today: Money) {
        try read { tx in
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let midnight = PostgresStore.millis(calendar.startOfDay(for: now))
            let total =
                try tx.value("SELECT COALESCE(SUM(cost_micros), 0)::BIGINT FROM llm_calls", as: Int64.self)
                ?? 0
            let today =
                try tx.value(
                    "SELECT COALESCE(SUM(cost_micros), 0)::BIGINT FROM llm_calls WHERE created_at >= $1",
                    [midnight],
                    as: Int64.self) ?? 0
            return (Money(micros: total), Money(micros: today))
        }
    }
}
