import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Reserves `estimate` on the call's run, day and job accounts, or refuses, in one
    /// transaction that holds the three account rows locked from their read to the write of
    /// the new reservation: engines reserving at once each see what the others reserved, and
    /// together never overshoot an enforced limit. Limits stored in `budgets` (raised from the
    /// console mid-run) replace the configured ones for their scope.
    public func reserveBudget(keys: BudgetKeys, estimate: Money, limits: [BudgetLimit]) throws
        -> BudgetDecision
    {
        try write(locking: .none) { tx in
            var ledger = try PostgresStore.lockedBudgetLedger(tx, keys: keys, limits: limits)
            let decision = ledger.reserve(estimate)
            if decision.isAllowed { try PostgresStore.saveAccounts(tx, ledger: ledger, keys: keys) }
            return decision
        }
    }

    /// Reserves for one call in one transaction: its worst case, or fewer output tokens when
    /// that is all the budget pays for, or a wait for calls in flight (see `BudgetLedger`).
    public func reserveBudget(keys: BudgetKeys, call: BudgetCall, limits: [BudgetLimit]) throws -> BudgetGrant
    {
        try write(locking: .none) { tx in
            var ledger = try PostgresStore.lockedBudgetLedger(tx, keys: keys, limits: limits)
            let grant = ledger.reserve(call: call)
            if case .granted = grant { try PostgresStore.saveAccounts(tx, ledger: ledger, keys: keys) }
            return grant
        }
    }

    /// Replaces a reservation with the real cost and records the ledger row, in one
    /// transaction, so spend and the ledger can never disagree after a crash.
    @discardableResult
    public func settleBudget(keys: BudgetKeys, reserved: Money, actual: Money, entry: LedgerEntry?) throws
        -> Int64?
    {
        try write(locking: .none) { tx in
            var ledger = try PostgresStore.lockedBudgetLedger(tx, keys: keys, limits: [])
            ledger.settle(actual: actual, reserved: reserved)
            try PostgresStore.saveAccounts(tx, ledger: ledger, keys: keys)
            return try entry.map { try PostgresStore.insertLedgerEntry(tx, $0) }
        }
    }

    /// The accounts' current spend and reservations.
    public func budgetStates(keys: BudgetKeys) throws -> [BudgetScope: BudgetState] {
        try read { tx in try PostgresStore.budgetLedger(tx, keys: keys, limits: [], locked: false).states }
    }

    /// Stores a limit that overrides the configuration for one scope; `key` empty means every
    /// run, day or job. Used to raise a budget while jobs wait in `budget_hold`.
    public func setBudgetLimit(scope: BudgetScope, key: String, limit: Money, mode: BudgetLimit.Mode) throws {
        try write(locking: .none) { tx in
            try tx.execute(
                """
                INSERT INTO budgets (scope, scope_key, limit_micros, mode) VALUES ($1, $2, $3, $4)
                ON CONFLICT (scope, scope_key) DO UPDATE SET limit_micros = excluded.limit_micros, mode = excluded.mode
                """,
                [scope.rawValue, key, limit.micros, mode.rawValue])
            // A limit raised mid-run appends no bead; the consoles' gauges still follow it.
            tx.announce([.budgetChanged])
        }
    }

    /// The limits in force for these accounts: stored ones where present, else `configured`.
    public func effectiveLimits(keys: BudgetKeys, configured: [BudgetLimit]) throws -> [BudgetLimit] {
        try read { tx in try PostgresStore.effectiveLimits(tx, keys: keys, configured: configured) }
    }

    static func effectiveLimits(_ tx: PostgresTransaction, keys: BudgetKeys, configured: [BudgetLimit]) throws
        -> [BudgetLimit]
    {
        var stored: [BudgetScope: BudgetLimit] = [:]
        var specific: Set<BudgetScope> = []
        let rows = try tx.rows(
            """
            SELECT scope, scope_key, limit_micros, mode FROM budgets
            WHERE (scope = 'run' AND scope_key IN ($1, '')) OR (scope = 'day' AND scope_key IN ($2, ''))
               OR (scope = 'job' AND scope_key IN ($3, ''))
            ORDER BY scope, scope_key
            """,
            [keys.run, keys.day, keys.job])
        for row in rows {
            guard let scope = BudgetScope(rawValue: try row("scope")),
                let mode = BudgetLimit.Mode(rawValue: try row("mode"))
            else { continue }
            let key: String = try row("scope_key")
            // A limit for this very run/day/job beats the blanket one for its scope.
            if specific.contains(scope) && key.isEmpty { continue }
            if !key.isEmpty { specific.insert(scope) }
            stored[scope] = BudgetLimit(
                scope: scope, limit: Money(micros: try row("limit_micros")), mode: mode)
        }
        return configured.filter { stored[$0.scope] == nil } + stored.values.sorted { $0.scope < $1.scope }
    }

    /// The ledger of the call's accounts with their rows locked for the rest of the
    /// transaction. Missing rows are created first (a concurrent creator's row is kept), so
    /// there is always a row to lock; they are locked in one statement in scope order, the
    /// same for every engine, so two reservations cannot deadlock.
    static func lockedBudgetLedger(_ tx: PostgresTransaction, keys: BudgetKeys, limits: [BudgetLimit]) throws
        -> BudgetLedger
    {
        let now = millis(Date())
        for scope in BudgetScope.allCases {
            try tx.execute(
                """
                INSERT INTO budget_accounts (scope, scope_key, spent_micros, reserved_micros, updated_at)
                VALUES ($1, $2, 0, 0, $3) ON CONFLICT (scope, scope_key) DO NOTHING
                """,
                [scope.rawValue, keys.key(for: scope), now])
        }
        return try budgetLedger(tx, keys: keys, limits: limits, locked: true)
    }

    static func budgetLedger(_ tx: PostgresTransaction, keys: BudgetKeys, limits: [BudgetLimit], locked: Bool)
        throws -> BudgetLedger
    {
        let scopes = BudgetScope.allCases
        let rows = try tx.rows(
            """
            SELECT scope, spent_micros, reserved_micros FROM budget_accounts
            WHERE (scope, scope_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            ORDER BY scope, scope_key
            """ + (locked ? " FOR UPDATE" : ""),
            [scopes.map(\.rawValue), scopes.map { keys.key(for: $0) }])
        var states: [BudgetScope: BudgetState] = [:]
        for row in rows {
            guard let scope = BudgetScope(rawValue: try row("scope")) else { continue }
            states[scope] = BudgetState(
                spent: Money(micros: try row("spent_micros")),
                reserved: Money(micros: try row("reserved_micros")))
        }
        return BudgetLedger(limits: try effectiveLimits(tx, keys: keys, configured: limits), states: states)
    }

    static func saveAccounts(_ tx: PostgresTransaction, ledger: BudgetLedger, keys: BudgetKeys) throws {
        let now = millis(Date())
        for scope in BudgetScope.allCases {
            let state = ledger.state(scope)
            try tx.execute(
                """
                INSERT INTO budget_accounts (scope, scope_key, spent_micros, reserved_micros, updated_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (scope, scope_key) DO UPDATE SET spent_micros = excluded.spent_micros,
                    reserved_micros = excluded.reserved_micros, updated_at = excluded.updated_at
                """,
                [scope.rawValue, keys.key(for: scope), state.spent.micros, state.reserved.micros, now])
        }
    }

    /// Sets or removes an enforced budget.
    public func setBudget(scope: String, key: String, limit: Money?) throws {
        let key = stored(key)
        try write { tx in
            if let limit {
                try tx.execute(
                    """
                    INSERT INTO budgets (scope, scope_key, limit_micros, mode) VALUES ($1, $2, $3, 'enforce')
                    ON CONFLICT (scope, scope_key) DO UPDATE SET limit_micros = excluded.limit_micros, mode = 'enforce'
                    """,
                    [scope, key, limit.micros])
            } else {
                try tx.execute("DELETE FROM budgets WHERE scope = $1 AND scope_key = $2", [scope, key])
            }
            try PostgresStore.appendBead(
                tx, jobID: nil, kind: .budgetSet,
                message: "\(scope) budget \(limit?.description ?? "removed")",
                metadata: ["scope": scope, "key": key, "limit_micros": limit.map { String($0.micros) } ?? ""])
        }
    }

    /// Queues every job held for budget again; returns their ids.
    public func releaseBudgetHolds() throws -> [JobID] {
        try write { tx in
            let ids = try tx.rows("SELECT id FROM jobs WHERE state = 'budget_hold' ORDER BY id").compactMap {
                JobID(try $0("id", as: String.self))
            }
            for id in ids {
                try PostgresStore.transition(tx, id, to: .queued, message: "budget raised; queued again")
            }
            return ids
        }
    }
}
