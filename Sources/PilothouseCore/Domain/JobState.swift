/// Where a job is in its life. Transitions are defined once, in `JobStateMachine`.
public enum JobState: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case queued
    case running
    case awaitingApproval = "awaiting_approval"
    case merging
    case merged
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
        case .merged, .rejected, .failed, .cancelled: true
        default: false
        }
    }
}
