import Foundation
import PilothouseCore

/// A job's state and the time of its last event: its last bead or state change, whichever
/// is later. A file's mtime is no measure (reading a worktree yesterday does not make it
/// new, and a checkout resets mtimes).
public struct JobActivity: Sendable, Equatable {
    public var id: JobID
    public var state: JobState
    public var lastEvent: Date

    public init(id: JobID, state: JobState, lastEvent: Date) {
        self.id = id
        self.state = state
        self.lastEvent = lastEvent
    }
}
