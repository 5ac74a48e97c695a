import Foundation
import PilothouseCore

/// Orders of the jobs pane, cycled with `s`.
public enum JobSort: String, CaseIterable, Hashable, Sendable {
    /// P0 first, then oldest first (job ids are ULIDs, so id order is creation order).
    case priority
    /// Jobs that need the operator first (awaiting approval), then active ones, finished last.
    case state
    /// Most recently changed first.
    case newest
    case title

    public var next: JobSort {
        let all = JobSort.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    func areInOrder(_ a: Job, _ b: Job) -> Bool {
        switch self {
        case .priority:
            if a.priority != b.priority { return a.priority < b.priority }
        case .state:
            let ra = Self.stateRank(a.state)
            let rb = Self.stateRank(b.state)
            if ra != rb { return ra < rb }
            if a.priority != b.priority { return a.priority < b.priority }
        case .newest:
            if a.updatedAt != b.updatedAt { return a.updatedAt > b.updatedAt }
        case .title:
            let ta = a.title.lowercased()
            let tb = b.title.lowercased()
            if ta != tb { return ta < tb }
        }
        return a.id < b.id
    }

    /// Whether changing `old` into `new` can move the job in this order; most engine updates
    /// (stage progress under the priority sort) cannot, and then no re-sort is needed.
    func keyChanged(from old: Job, to new: Job) -> Bool {
        switch self {
        case .priority: old.priority != new.priority
        case .state: old.priority != new.priority || Self.stateRank(old.state) != Self.stateRank(new.state)
        case .newest: old.updatedAt != new.updatedAt
        case .title: old.title != new.title
        }
    }

    static func stateRank(_ state: JobState) -> Int {
        switch state {
        case .awaitingApproval: 0
        case .running: 1
        case .merging: 2
        case .needsRebase: 3
        case .paused: 4
        case .budgetHold: 5
        case .queued: 6
        case .quarantined: 7
        case .failed: 8
        case .rejected: 9
        case .cancelled: 10
        case .merged: 11
        case .completed: 12
        }
    }
}
