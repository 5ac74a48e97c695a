import Foundation
import PilothouseCore

/// A job another engine holds: who, since when, until when.
public struct HeldJob: Sendable, Equatable {
    public var job: JobID
    public var state: JobState
    public var owner: String
    public var holder: LeaseHolder?
    public var expiresAt: Date?

    public init(job: JobID, state: JobState, owner: String, holder: LeaseHolder?, expiresAt: Date?) {
        self.job = job
        self.state = state
        self.owner = owner
        self.holder = holder
        self.expiresAt = expiresAt
    }
}
