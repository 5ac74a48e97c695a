import Foundation
import PilothouseCore

/// Each schedule's history: the last cron slot it handled. Several engines share a store, so
/// claiming a slot is atomic: exactly one of them fires it.
public protocol ScheduleStore: Sendable {
    /// The last slot each schedule handled, by schedule name.
    func scheduleSlots() throws -> [String: Date]

    /// Records `slot` as handled for `name` if no one handled it or a later one yet; true when
    /// this caller won it. With `firing`, the win is recorded by a `schedule_fired` bead saying
    /// `message`, in the same transaction: the firing is in the audit chain whatever the
    /// caller does next. Without (`ScheduleDue.start`), the slot only starts the history.
    func claimScheduleSlot(name: String, slot: Date, firing: Bool, message: String) throws -> Bool
}
