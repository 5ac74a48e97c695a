import Foundation
import PilothouseCore

/// A coarse kind of change committed to a shared store, as a backend that can push them
/// (PostgreSQL's LISTEN/NOTIFY) announces it to every process watching the store.
///
/// A change says only that something may be worth reading again, never what it is: the
/// reader reads the store as it does when it polls, so a lost or duplicated change costs at
/// most one poll interval or one extra read, never a wrong view.
public enum StoreChange: Sendable, Hashable {
    /// A job entered the queue (enqueued, imported, retried, resumed, requeued, released).
    case jobQueued
    /// A job waiting for approval was decided (approved, rejected, edited, or cancelled): an
    /// approval made without an engine leaves a merge for an engine to take over. An
    /// auto-approval mid-pipeline is not one: its engine merges, and nobody else need look.
    case approvalDecided
    /// A running or merging job left that state (cancelled, paused, requeued, reclaimed,
    /// finished): the engine that held it stops its stage if it did not do this itself.
    case jobStopped(JobID)
    /// A budget limit was set, raised or removed.
    case budgetChanged
    /// A bead was appended: something happened that a console shows.
    case beadAppended
    /// The feed is listening. Changes made while it was `interrupted` were missed, so a
    /// consumer reads the store again when this follows an interruption.
    case listening
    /// The feed lost its connection and is reconnecting; until it is `listening` again, only
    /// polling notices changes. The text says why, for a notice.
    case interrupted(String)

    /// What the change is called on the wire: the payload of one notification. Nil for the
    /// feed's own states, which no store sends.
    public var payload: String? {
        switch self {
        case .jobQueued: "job_queued"
        case .approvalDecided: "approval_decided"
        case .jobStopped(let id): "job_stopped " + id.rawValue
        case .budgetChanged: "budget_changed"
        case .beadAppended: "bead_appended"
        case .listening, .interrupted: nil
        }
    }

    /// Reads a payload `payload` wrote. Anything else on the channel (another program's
    /// notification, a newer Pilothouse's kind) is nil and ignored: polling still covers it.
    public init?(payload: String) {
        guard payload.utf8.count <= 64 else { return nil }
        let words = payload.split(separator: " ", omittingEmptySubsequences: false)
        switch (words.first, words.count) {
        case ("job_queued", 1): self = .jobQueued
        case ("approval_decided", 1): self = .approvalDecided
        case ("budget_changed", 1): self = .budgetChanged
        case ("bead_appended", 1): self = .beadAppended
        case ("job_stopped", 2):
            guard let id = JobID(String(words[1])) else { return nil }
            self = .jobStopped(id)
        default: return nil
        }
    }

    /// The changes a bead announces. Every state change appends a bead in the same
    /// transaction, so a backend that announces each bead's changes announces every change
    /// an engine or console must react to (only `budgetChanged` of a limit stored without a
    /// bead is announced by its write itself).
    public static func announced(by bead: Bead) -> Set<StoreChange> {
        var changes: Set<StoreChange> = [.beadAppended]
        switch bead.kind {
        case .jobCreated:
            changes.insert(.jobQueued)
        case .stateChanged:
            let from = bead.metadata["from"].flatMap(JobState.init(rawValue:))
            let to = bead.metadata["to"].flatMap(JobState.init(rawValue:))
            if to == .queued { changes.insert(.jobQueued) }
            if from == .awaitingApproval { changes.insert(.approvalDecided) }
            let held: Set<JobState> = [.running, .merging]
            if let from, let to, let id = bead.jobID, held.contains(from), !held.contains(to) {
                changes.insert(.jobStopped(id))
            }
        case .budgetSet:
            changes.insert(.budgetChanged)
        default:
            break
        }
        return changes
    }
}
