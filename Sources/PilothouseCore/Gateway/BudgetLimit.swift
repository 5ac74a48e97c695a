/// A spending cap on one scope.
///
/// Several limits may share a scope, which is how a soft warning below a hard cap is
/// expressed: `warn` at $8 and `enforce` at $10 on the same run.
public struct BudgetLimit: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Hashable, Codable {
        /// Refuse reservations that would cross the limit.
        case enforce
        /// Allow them, but tell the caller so it can raise an event.
        case warn
    }

    public var scope: BudgetScope
    public var limit: Money
    public var mode: Mode

    public init(scope: BudgetScope, limit: Money, mode: Mode = .enforce) {
        self.scope = scope
        self.limit = limit
        self.mode = mode
    }
}
