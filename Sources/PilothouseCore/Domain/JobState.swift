/// Where a job is in its life. Transitions are defined once, in `JobStateMachine`.
public enum JobState: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case queued
    case running
    case awaitingApproval = "awaiting_approval"
    case merging
    case merged
    /// Every stage of a pipeline that has no `merge` stage finished: the work is recorded
    /// (beads, patch, stage results) but git was not touched, so it must never read `merged`.
    case completed
    case needsRebase = "needs_rebase"
    case rejected
    case failed
    case cancelled
    case quarantined
    case paused
    case budgetHold = "budget_hold"

    public var description: String { rawValue }

    /// States a job never leaves by itself; only an operator (retry) can revive some.
    public var isTerminal: Bool {
        switch self {
        case .merged, .completed, .rejected, .failed, .cancelled: true
        default: false
        }
    }
}
