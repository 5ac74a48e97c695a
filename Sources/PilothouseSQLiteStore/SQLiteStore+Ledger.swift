import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Records one call attempt that moved no money (a failure before any usage, a cache hit).
    @discardableResult
    public func recordCall(_ entry: LedgerEntry) throws -> Int64 {
        try write { db in try SQLiteStore.insertLedgerEntry(db, entry) }
    }

    /// Run and job ids are stored only when those rows exist: `llm_calls` references them,
    /// and a call made outside a recorded run (a test, a one-off command) must still be
    /// logged rather than fail on a foreign key.
    static func insertLedgerEntry(_ db: Database, _ entry: LedgerEntry) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO llm_calls (run_id, job_id, stage, provider, model, requested_model, request_id,
                    tokens_in, tokens_out, tokens_cached, cost_micros, latency_ms, outcome, attempt, detail, created_at)
                VALUES ((SELECT id FROM runs WHERE id = ?), (SELECT id FROM jobs WHERE id = ?), ?, ?, ?, ?, ?,
                    ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                entry.runID, entry.jobID?.rawValue, entry.stage?.rawValue, entry.provider, entry.model,
                entry.requestedModel, entry.requestID, entry.tokens.input, entry.tokens.output,
                entry.tokens.cachedInput, entry.cost.micros, entry.latencyMillis, entry.outcome,
                entry.attempt,
                entry.detail, SQLiteStore.millis(entry.createdAt),
            ])
        return db.lastInsertedRowID
    }

    /// Ledger rows, oldest first, optionally of one job.
    public func ledgerEntries(jobID: JobID?) throws -> [LedgerEntry] {
        try read { db in
            var sql = "SELECT * FROM llm_calls"
            var arguments: StatementArguments = []
            if let jobID {
                sql += " WHERE job_id = ?"
                arguments = [jobID.rawValue]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map { row in
                let job: String? = row["job_id"]
                let stage: String? = row["stage"]
                let model: String = row["model"]
                let requested: String? = row["requested_model"]
                return LedgerEntry(
                    runID: row["run_id"], jobID: job.flatMap(JobID.init), stage: stage.map { StageName($0) },
                    provider: row["provider"], model: model, requestedModel: requested ?? model,
                    requestID: row["request_id"],
                    tokens: TokenCounts(
                        input: row["tokens_in"], output: row["tokens_out"], cachedInput: row["tokens_cached"]),
                    cost: Money(micros: row["cost_micros"]), latencyMillis: row["latency_ms"],
                    outcome: row["outcome"],
                    attempt: row["attempt"], detail: row["detail"],
                    createdAt: SQLiteStore.date(row["created_at"]))
            }
        }
    }

    /// Sums the ledger, exactly (integer micro-dollars), grouped as asked.
    public func costReport(by grouping: CostReport.Grouping?) throws -> CostReport {
        let keyExpression: String =
            switch grouping {
            case nil: "''"
            case .model?: "provider || ':' || model"
            case .job?: "COALESCE(job_id, '-')"
            case .stage?: "COALESCE(stage, '-')"
            case .day?: "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')"
            }
        return try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(keyExpression) AS k, COUNT(*) AS calls, SUM(tokens_in) AS tin, SUM(tokens_out) AS tout,
                        SUM(tokens_cached) AS tcached, SUM(cost_micros) AS cost
                    FROM llm_calls GROUP BY k ORDER BY k
                    """
            ).map { row in
                CostReport.Row(
                    key: row["k"], calls: row["calls"],
                    tokens: TokenCounts(
                        input: row["tin"] ?? 0, output: row["tout"] ?? 0, cachedInput: row["tcached"] ?? 0),
                    cost: Money(micros: row["cost"] ?? 0))
            }
            let total = rows.reduce(into: CostReport.Row(key: "total")) { sum, row in
                sum.calls += row.calls
                sum.tokens = sum.tokens + row.tokens
                sum.cost = sum.cost + row.cost
            }
            return CostReport(grouping: grouping, rows: grouping == nil ? [] : rows, total: total)
        }
    }

    /// The ledger summed per `provider:model` and outcome, in one grouped query.
    public func ledgerTotals() throws -> [LedgerTotal] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT provider || ':' || model AS m, outcome, COUNT(*) AS calls, SUM(tokens_in) AS tin,
                        SUM(tokens_out) AS tout, SUM(tokens_cached) AS tcached, SUM(cost_micros) AS cost
                    FROM llm_calls GROUP BY provider, model, outcome ORDER BY m, outcome
                    """
            ).map { row in
                LedgerTotal(
                    model: row["m"], outcome: row["outcome"], calls: row["calls"],
                    tokens: TokenCounts(
                        input: row["tin"] ?? 0, output: row["tout"] ?? 0, cachedInput: row["tcached"] ?? 0),
                    cost: Money(micros: row["cost"] ?? 0))
            }
        }
    }
}
