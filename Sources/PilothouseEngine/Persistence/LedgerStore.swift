import Foundation
import PilothouseCore

/// Money: every model call's ledger entry, budget limits, and reserve/settle, which holds a
/// call's estimate against its budgets atomically so concurrent calls never overshoot.
public protocol LedgerStore: Sendable {
    @discardableResult
    func recordCall(_ entry: LedgerEntry) throws -> Int64

    /// Ledger rows, oldest first, optionally of one job.
    func ledgerEntries(jobID: JobID?) throws -> [LedgerEntry]

    /// Sums the ledger, exactly (integer micro-dollars), grouped as asked.
    func costReport(by grouping: CostReport.Grouping?) throws -> CostReport

    /// The ledger summed per `provider:model` and outcome, for the metrics endpoint. A backend
    /// without a grouped query of its own gets the default, which sums `ledgerEntries()`.
    func ledgerTotals() throws -> [LedgerTotal]

    /// Total spend and today's (UTC), from the ledger.
    func spendSummary(now: Date) throws -> (total: Money, today: Money)

    /// Reserves `estimate` on the call's run, day and job accounts, or refuses, in one
    /// `BEGIN IMMEDIATE` transaction.
    ///
    /// Holding SQLite's write lock from the read of the accounts to the write of the new
    /// reservation is what keeps several engines sharing this file from each seeing the same
    /// free money and together overshooting an enforced limit. Limits stored in `budgets`
    /// (raised from the console mid-run) replace the configured ones for their scope.
    func reserveBudget(keys: BudgetKeys, estimate: Money, limits: [BudgetLimit]) throws -> BudgetDecision

    /// Reserves for one call in one transaction: its worst case, or fewer output tokens when
    /// that is all the budget pays for, or a wait for calls in flight (see `BudgetLedger`).
    func reserveBudget(keys: BudgetKeys, call: BudgetCall, limits: [BudgetLimit]) throws -> BudgetGrant

    @discardableResult
    func settleBudget(keys: BudgetKeys, reserved: Money, actual: Money, entry: LedgerEntry?) throws -> Int64?

    /// The accounts' current spend and reservations.
    func budgetStates(keys: BudgetKeys) throws -> [BudgetScope: BudgetState]

    /// Stores a limit that overrides the configuration for one scope; `key` empty means every
    /// run, day or job. Used to raise a budget while jobs wait in `budget_hold`.
    func setBudgetLimit(scope: BudgetScope, key: String, limit: Money, mode: BudgetLimit.Mode) throws

    /// The limits in force for these accounts: stored ones where present, else `configured`.
    func effectiveLimits(keys: BudgetKeys, configured: [BudgetLimit]) throws -> [BudgetLimit]

    /// Sets or removes an enforced budget.
    func setBudget(scope: String, key: String, limit: Money?) throws

    /// Queues every job held for budget again; returns their ids.
    func releaseBudgetHolds() throws -> [JobID]
}

/// The requirements with their usual arguments filled in (a protocol requirement has no
/// default arguments).
extension LedgerStore {
    public func ledgerTotals() throws -> [LedgerTotal] {
        LedgerTotal.summing(try ledgerEntries(jobID: nil))
    }

    public func ledgerEntries() throws -> [LedgerEntry] {
        try ledgerEntries(jobID: nil)
    }

    public func costReport() throws -> CostReport {
        try costReport(by: nil)
    }

    public func spendSummary() throws -> (total: Money, today: Money) {
        try spendSummary(now: Date())
    }

    public func setBudgetLimit(scope: BudgetScope, limit: Money, mode: BudgetLimit.Mode) throws {
        try setBudgetLimit(scope: scope, key: "", limit: limit, mode: mode)
    }
}
