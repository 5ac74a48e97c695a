import Foundation

/// Whether a schedule fires now, from the last slot it handled: the rule that a schedule
/// missed while no engine ran fires once at the next start, not once per missed slot.
public enum ScheduleDue: Equatable, Sendable {
    /// A schedule never seen before: its history starts now, without firing (it did not
    /// exist when earlier slots passed).
    case start(at: Date)
    /// Nothing is due before `next`.
    case wait(next: Date?)
    /// Fire once for `slot`, the latest slot at or before now. `foldedEarlier`: earlier slots
    /// since the last one handled were missed and are folded into this one.
    case fire(slot: Date, foldedEarlier: Bool)

    public static func decide(_ cron: CronExpression, lastSlot: Date?, now: Date, calendar: Calendar)
        -> ScheduleDue
    {
        guard let lastSlot else { return .start(at: now) }
        guard let first = cron.next(after: lastSlot, calendar: calendar), first <= now else {
            return .wait(next: cron.next(after: max(lastSlot, now), calendar: calendar))
        }
        let latest = latestSlot(cron, from: first, atOrBefore: now, calendar: calendar)
        return .fire(slot: latest, foldedEarlier: latest > first)
    }

    /// The latest slot in `first...now` (`first` is one): found by looking back from `now`
    /// in growing windows, so a minutely schedule left for a month costs a few dozen steps,
    /// not forty thousand.
    static func latestSlot(_ cron: CronExpression, from first: Date, atOrBefore now: Date, calendar: Calendar)
        -> Date
    {
        let day: TimeInterval = 86_400
        let windows: [TimeInterval] = [3_600, day, 8 * day, 32 * day, 367 * day, 9 * 367 * day]
        for window in windows {
            let start = max(first, now.addingTimeInterval(-window))
            guard var latest = start == first ? first : cron.next(after: start, calendar: calendar),
                latest <= now
            else { continue }
            while let following = cron.next(after: latest, calendar: calendar), following <= now {
                latest = following
            }
            return latest
        }
        return first
    }
}
