import Foundation
import PilothouseCore

/// What releasing, retrying or dropping a quarantine record did: the record, and its job as
/// it is afterwards, so every caller reports the job's real state rather than assuming it.
public struct QuarantineSettlement: Sendable, Equatable {
    public var record: QuarantineRecord
    /// The record's job after the command, `nil` for a record without one.
    public var job: Job?
    /// Whether the job was queued again by this command (a stale record's job is left alone).
    public var requeued: Bool
    /// Whether the operator's note was kept as feedback for the job's next prompt.
    public var noted: Bool
}
