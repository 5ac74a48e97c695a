import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Reserves `estimate` on the call's run, day and job accounts, or refuses, in one
    /// `BEGIN IMMEDIATE` transaction.
    ///
    /// Holding SQLite's write lock from the read of the accounts to the write of the new
    /// reservation is what keeps several engines sharing this file from each seeing the same
    /// free money and together overshooting an enforced limit. Limits stored in `budgets`
    /// (raised from the console mid-run) replace the configured ones for their scope.
    public func reserveBudget(keys: BudgetKeys, estimate: Money, limits: [BudgetLimit]) throws
        -> BudgetDecision
    {
        try write { db in
            var ledger = try SQLiteStore.budgetLedger(db, keys: keys, limits: limits)
            let decision = ledger.reserve(estimate)
            if decision.isAllowed { try SQLiteStore.saveAccounts(db, ledger: ledger, keys: keys) }
            return decision
        }
    }

    /// Reserves for one call in one transaction: its worst case, or fewer output tokens when
    /// that is all the budget pays for, or a wait for calls in flight (see `BudgetLedger`).
    public func reserveBudget(keys: BudgetKeys, call: BudgetCall, limits: [BudgetLimit]) throws -> BudgetGrant
    {
        try write { db in
            var ledger = try SQLiteStore.budgetLedger(db, keys: keys, limits: limits)
            let grant = ledger.reserve(call: call)
            if case .granted = grant { try SQLiteStore.saveAccounts(db, ledger: ledger, keys: keys) }
            return grant
        }
    }

    /// Replaces a reservation with the real cost and records the ledger row, in one
    /// transaction, so spend and the ledger can never disagree after a crash.
    @discardableResult
    public func settleBudget(keys: BudgetKeys, reserved: Money, actual: Money, entry: LedgerEntry?) throws
        -> Int64?
    {
        try write { db in
            var ledger = try SQLiteStore.budgetLedger(db, keys: keys, limits: [])
            ledger.settle(actual: actual, reserved: reserved)
            try SQLiteStore.saveAccounts(db, ledger: ledger, keys: keys)
            return try entry.map { try SQLiteStore.insertLedgerEntry(db, $0) }
        }
    }

    /// The accounts' current spend and reservations.
    public func budgetStates(keys: BudgetKeys) throws -> [BudgetScope: BudgetState] {
        try read { db in try SQLiteStore.budgetLedger(db, keys: keys, limits: []).states }
    }

    /// Stores a limit that overrides the configuration for one scope; `key` empty means every
    /// run, day or job. Used to raise a budget while jobs wait in `budget_hold`.
    public func setBudgetLimit(scope: BudgetScope, key: String, limit: Money, mode: BudgetLimit.Mode)
        throws
    {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO budgets (scope, scope_key, limit_micros, mode) VALUES (?, ?, ?, ?)
                    ON CONFLICT (scope, scope_key) DO UPDATE SET limit_micros = excluded.limit_micros, mode = excluded.mode
                    """,
                arguments: [scope.rawValue, key, limit.micros, mode.rawValue])
        }
    }

    /// The limits in force for these accounts: stored ones where present, else `configured`.
    public func effectiveLimits(keys: BudgetKeys, configured: [BudgetLimit]) throws -> [BudgetLimit] {
        try read { db in try SQLiteStore.effectiveLimits(db, keys: keys, configured: configured) }
    }

    static func effectiveLimits(_ db: Database, keys: BudgetKeys, configured: [BudgetLimit]) throws
        -> [BudgetLimit]
    {
        var stored: [BudgetScope: BudgetLimit] = [:]
        var specific: Set<BudgetScope> = []
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT scope, scope_key, limit_micros, mode FROM budgets
                WHERE (scope = 'run' AND scope_key IN (?, '')) OR (scope = 'day' AND scope_key IN (?, ''))
                   OR (scope = 'job' AND scope_key IN (?, ''))
                """,
            arguments: [keys.run, keys.day, keys.job])
        for row in rows {
            guard let scope = BudgetScope(rawValue: row["scope"]),
                let mode = BudgetLimit.Mode(rawValue: row["mode"])
            else { continue }
            let key: String = row["scope_key"]
            // A limit for this very run/day/job beats the blanket one for its scope.
            if specific.contains(scope) && key.isEmpty { continue }
            if !key.isEmpty { specific.insert(scope) }
            stored[scope] = BudgetLimit(scope: scope, limit: Money(micros: row["limit_micros"]), mode: mode)
        }
        return configured.filter { stored[$0.scope] == nil } + stored.values.sorted { $0.scope < $1.scope }
    }

    static func budgetLedger(_ db: Database, keys: BudgetKeys, limits: [BudgetLimit]) throws -> BudgetLedger {
        var states: [BudgetScope: BudgetState] = [:]
        for scope in BudgetScope.allCases {
            if let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT spent_micros, reserved_micros FROM budget_accounts WHERE scope = ? AND scope_key = ?",
                arguments: [scope.rawValue, keys.key(for: scope)])
            {
                states[scope] = BudgetState(
                    spent: Money(micros: row["spent_micros"]), reserved: Money(micros: row["reserved_micros"])
                )
            }
        }
        return BudgetLedger(limits: try effectiveLimits(db, keys: keys, configured: limits), states: states)
    }

    static func saveAccounts(_ db: Database, ledger: BudgetLedger, keys: BudgetKeys) throws {
        let now = SQLiteStore.millis(Date())
        for scope in BudgetScope.allCases {
            let state = ledger.state(scope)
            try db.execute(
                sql: """
                    INSERT INTO budget_accounts (scope, scope_key, spent_micros, reserved_micros, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (scope, scope_key) DO UPDATE SET spent_micros = excluded.spent_micros,
                        reserved_micros = excluded.reserved_micros, updated_at = excluded.updated_at
                    """,
                arguments: [
                    scope.rawValue, keys.key(for: scope), state.spent.micros, state.reserved.micros, now,
                ])
        }
    }
}

extension SQLiteStore {
    /// Sets or removes an enforced budget.
    public func setBudget(scope: String, key: String, limit: Money?) throws {
        let key = stored(key)
        try write { db in
            if let limit {
                try db.execute(
                    sql: """
                        INSERT INTO budgets (scope, scope_key, limit_micros, mode) VALUES (?, ?, ?, 'enforce')
                        ON CONFLICT (scope, scope_key) DO UPDATE SET limit_micros = excluded.limit_micros, mode = 'enforce'
                        """,
                    arguments: [scope, key, limit.micros])
            } else {
                try db.execute(
                    sql: "DELETE FROM budgets WHERE scope = ? AND scope_key = ?", arguments: [scope, key])
            }
            try SQLiteStore.appendBead(
                db, jobID: nil, kind: .budgetSet,
                message: "\(scope) budget \(limit?.description ?? "removed")",
                metadata: ["scope": scope, "key": key, "limit_micros": limit.map { String($0.micros) } ?? ""])
        }
    }

    /// Queues every job held for budget again; returns their ids.
    public func releaseBudgetHolds() throws -> [JobID] {
        try write { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE state = 'budget_hold'")
                .compactMap(JobID.init)
            for id in ids {
                try SQLiteStore.transition(db, id, to: .queued, message: "budget raised; queued again")
            }
            return ids
        }
    }
}
