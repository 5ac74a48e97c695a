/// Budget arithmetic for one call: reserve an estimate before it, settle the real cost after.
///
/// Deliberately pure: the engine loads the states for the call's run, day and job inside a
/// `BEGIN IMMEDIATE` transaction, asks this value for a decision, and writes the mutated
/// states back in the same transaction. Concurrency safety comes from the database lock;
/// correctness from this type, which needs no clock, database or actor to test.
///
/// Edge choice: a reservation that brings a scope *exactly* to its limit is allowed; only
/// going past it is refused. A limit of $10 therefore admits $10.00 of committed spend, which
/// is what a user who types "budget 10" expects.
public struct BudgetLedger: Sendable, Hashable {
    public var limits: [BudgetLimit]
    /// A scope without an entry has spent and reserved nothing.
    public var states: [BudgetScope: BudgetState]

    public init(limits: [BudgetLimit], states: [BudgetScope: BudgetState] = [:]) {
        self.limits = limits
        self.states = states
    }

    public func state(_ scope: BudgetScope) -> BudgetState { states[scope] ?? .zero }

    /// Free money under each limit's cap, given what is already committed (never negative).
    public func remaining(under limit: BudgetLimit) -> Money {
        max(.zero, limit.limit - state(limit.scope).committed)
    }

    /// What `reserve` would answer, without reserving.
    public func evaluate(_ estimate: Money) -> BudgetDecision {
        let amount = max(.zero, estimate)
        var denial: (scope: BudgetScope, remaining: Money)?
        var warnings: Set<BudgetScope> = []
        for limit in limits where state(limit.scope).committed + amount > limit.limit {
            switch limit.mode {
            case .warn:
                warnings.insert(limit.scope)
            case .enforce:
                // Report the tightest limit, so the message names what actually blocks.
                let free = remaining(under: limit)
                if denial == nil || free < denial!.remaining
                    || (free == denial!.remaining && limit.scope < denial!.scope)
                {
                    denial = (limit.scope, free)
                }
            }
        }
        if let denial { return .denied(scope: denial.scope, remaining: denial.remaining) }
        return warnings.isEmpty ? .allowed : .allowedWithWarning(warnings.sorted())
    }

    /// Reserves `estimate` in every scope, unless an `enforce` limit would be crossed, in which
    /// case nothing changes. Scopes without a limit are tracked too, so that a limit added
    /// later (say, mid-run from the console) starts from the true spend.
    public mutating func reserve(_ estimate: Money) -> BudgetDecision {
        let decision = evaluate(estimate)
        guard decision.isAllowed else { return decision }
        let amount = max(.zero, estimate)
        for scope in BudgetScope.allCases {
            states[scope, default: .zero].reserved += amount
        }
        return decision
    }

    /// Replaces a reservation with the real cost. `actual` may exceed the reservation (the
    /// estimate was low); the overspend is recorded as is, and later reservations see it.
    /// Pass `.zero` as `actual` to release a reservation for a call that never ran.
    public mutating func settle(actual: Money, reserved: Money) {
        for scope in BudgetScope.allCases {
            var state = states[scope, default: .zero]
            state.reserved = max(.zero, state.reserved - max(.zero, reserved))
            state.spent += max(.zero, actual)
            states[scope] = state
        }
    }
}
