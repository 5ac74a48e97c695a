/// The outcome of asking the ledger for a reservation.
public enum BudgetDecision: Sendable, Hashable {
    /// Reserved; within every limit.
    case allowed
    /// Reserved, but it takes these scopes past a `warn` limit (sorted, no duplicates).
    case allowedWithWarning([BudgetScope])
    /// Not reserved: an `enforce` limit on `scope` would be crossed. `remaining` is what that
    /// limit still had free (never negative), for the message and the budget-hold event.
    case denied(scope: BudgetScope, remaining: Money)

    public var isAllowed: Bool {
        if case .denied = self { return false }
        return true
    }
}
