/// The one place that says which job state may follow which.
///
/// Everything that changes a job's state (engine, CLI, console commands) goes through
/// `JobStateMachine.transition`, so an impossible history can never be written.
public enum JobStateMachine {
    /// Allowed next states for each state.
    public static let allowed: [JobState: Set<JobState>] = [
        .queued: [.running, .paused, .cancelled, .quarantined, .budgetHold],
        // A job's merge runs while it is `running` when no operator gate held it (auto-approve):
        // its ends go through `merging`, so its history reads like an operator-approved one.
        .running: [
            .queued, .awaitingApproval, .merging, .completed, .failed, .cancelled, .quarantined, .paused,
            .budgetHold,
        ],
        .awaitingApproval: [.merging, .rejected, .queued, .cancelled, .paused],
        // `completed`: an approved job whose pipeline has no merge stage. `budget_hold`: a
        // merge stage that needs a model and cannot afford it.
        .merging: [.merged, .completed, .needsRebase, .failed, .quarantined, .queued, .budgetHold],
        .needsRebase: [.queued, .running, .cancelled, .failed],
        .paused: [.queued, .cancelled],
        .budgetHold: [.queued, .cancelled],
        .quarantined: [.queued, .cancelled, .failed],
        .rejected: [.queued],
        .failed: [.queued],
        .cancelled: [.queued],
        .merged: [],
        .completed: [],
    ]

    public static func canTransition(from: JobState, to: JobState) -> Bool {
        allowed[from, default: []].contains(to)
    }

    /// Returns `to` when the move is legal, otherwise throws `JobStateError.illegalTransition`.
    @discardableResult
    public static func transition(from: JobState, to: JobState) throws(JobStateError) -> JobState {
        guard canTransition(from: from, to: to) else {
            throw .illegalTransition(from: from, to: to)
        }
        return to
    }
}

/// A state change the state machine refuses.
public enum JobStateError: Error, Equatable, CustomStringConvertible, Sendable {
    case illegalTransition(from: JobState, to: JobState)

    public var description: String {
        switch self {
        case .illegalTransition(let from, let to):
            let options = JobStateMachine.allowed[from, default: []].map(\.rawValue).sorted()
            let hint =
                options.isEmpty ? "it is final" : "allowed from \(from): \(options.joined(separator: ", "))"
            return "a job cannot go from \(from) to \(to) (\(hint))"
        }
    }
}
