/// Which pot of money a budget limit guards.
///
/// A ledger is always built for one concrete run, one calendar day and one job, so the
/// scope kind alone identifies the account within it.
public enum BudgetScope: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case run, day, job

    public static func < (lhs: BudgetScope, rhs: BudgetScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
