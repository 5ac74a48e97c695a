import Foundation
import Testing

@testable import PilothouseCore

/// Cron as crontab(5) reads it, on a fixed UTC calendar: every field form, the day-of-month /
/// day-of-week rule, and refusals that name the field.
@Suite struct CronExpressionTests {
    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// `2026-11-30 10:15` style dates in UTC.
    static func at(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    static func text(_ date: Date?) -> String {
        guard let date else { return "none" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm EEE"
        return formatter.string(from: date)
    }

    @Test(arguments: [
        // every minute, and the first minute after a given one
        ("* * * * *", "2026-11-30 10:15", "2026-11-30 10:16 Mon"),
        // a fixed time: later the same day, or the next day
        ("30 3 * * *", "2026-11-30 02:00", "2026-11-30 03:30 Mon"),
        ("30 3 * * *", "2026-11-30 03:30", "2026-12-01 03:30 Tue"),
        // ranges and weekday names: weekdays only, Friday evening to Monday
        ("0 3 * * 1-5", "2026-12-04 04:00", "2026-12-07 03:00 Mon"),
        ("0 3 * * mon-fri", "2026-12-04 04:00", "2026-12-07 03:00 Mon"),
        // steps over the whole range and over a range; a start with a step
        ("*/15 * * * *", "2026-11-30 10:16", "2026-11-30 10:30 Mon"),
        ("0 9-17/4 * * *", "2026-11-30 09:00", "2026-11-30 13:00 Mon"),
        ("5/20 * * * *", "2026-11-30 10:26", "2026-11-30 10:45 Mon"),
        // lists, mixed with ranges
        ("0 8,12-13,18 * * *", "2026-11-30 12:00", "2026-11-30 13:00 Mon"),
        // months by name and number, across a year end
        ("0 0 1 jan *", "2026-11-30 10:00", "2027-01-01 00:00 Fri"),
        ("0 0 1 3,6 *", "2026-11-30 10:00", "2027-03-01 00:00 Mon"),
        // Sunday as 0 and as 7
        ("0 12 * * 0", "2026-11-30 10:00", "2026-12-06 12:00 Sun"),
        ("0 12 * * 7", "2026-11-30 10:00", "2026-12-06 12:00 Sun"),
        // day of month AND day of week restricted: either matches (the 13th, or any Friday)
        ("0 0 13 * 5", "2026-11-30 10:00", "2026-12-04 00:00 Fri"),
        ("0 0 13 * 5", "2026-12-12 10:00", "2026-12-13 00:00 Sun"),
        // only day of month restricted: the weekday field does not widen it
        ("0 0 13 * *", "2026-11-30 10:00", "2026-12-13 00:00 Sun"),
        // the 31st skips the months without one; February 29th waits for a leap year
        ("0 0 31 * *", "2026-11-30 10:00", "2026-12-31 00:00 Thu"),
        ("0 0 29 2 *", "2026-11-30 10:00", "2028-02-29 00:00 Tue"),
        // shorthands
        ("@daily", "2026-11-30 10:00", "2026-12-01 00:00 Tue"),
        ("@weekly", "2026-11-30 10:00", "2026-12-06 00:00 Sun"),
        ("@monthly", "2026-11-30 10:00", "2026-12-01 00:00 Tue"),
        ("@hourly", "2026-11-30 10:00", "2026-11-30 11:00 Mon"),
    ])
    func theNextRunIsTheFirstMinuteThatMatches(expression: String, after: String, expected: String) throws {
        let cron = try CronExpression(expression)
        #expect(Self.text(cron.next(after: Self.at(after), calendar: Self.utc)) == expected)
    }

    @Test func aDateThatNeverComesHasNoNextRun() throws {
        #expect(
            try CronExpression("0 0 30 2 *").next(after: Self.at("2026-11-30 10:00"), calendar: Self.utc)
                == nil)
    }

    @Test func matchingFollowsTheSameRules() throws {
        let cron = try CronExpression("*/30 9-17 * * 1-5")
        #expect(cron.matches(Self.at("2026-11-30 09:30"), calendar: Self.utc))
        #expect(!cron.matches(Self.at("2026-11-30 09:31"), calendar: Self.utc))
        #expect(!cron.matches(Self.at("2026-12-05 09:30"), calendar: Self.utc))  // a Saturday
    }

    @Test(arguments: [
        ("0 3 * *", "has 4 fields; write five"),
        ("0 3 * * * *", "has 6 fields; write five"),
        ("", "has 0 fields; write five"),
        ("60 * * * *", "minute \"60\" is out of range 0–59"),
        ("0 24 * * *", "hour \"24\" is out of range 0–23"),
        ("0 0 0 * *", "day of month \"0\" is out of range 1–31"),
        ("0 0 * 13 *", "month \"13\" is out of range 1–12"),
        ("0 0 * * 8", "day of week \"8\" is out of range 0–7"),
        ("0 0 * smarch *", "month \"smarch\" is not a number from 1 to 12 or a name (jan, feb, mar…)"),
        ("*/0 * * * *", "minute \"*/0\" has a step that is not a whole number above 0"),
        ("5-1 * * * *", "minute \"5-1\" is a range that runs backwards"),
        ("1,,2 * * * *", "minute \"1,,2\" has an empty item in its list"),
        ("1/2/3 * * * *", "minute \"1/2/3\" has more than one /step"),
        ("@often", "shorthand \"@often\" is not one of @hourly, @daily, @weekly, @monthly, @yearly"),
        ("0 3 * * \u{0}", "day of week \"\u{0}\" is not a number"),
    ])
    func aBadExpressionIsRefusedNamingItsField(expression: String, message: String) {
        #expect {
            try CronExpression(expression)
        } throws: { error in
            String(describing: error).contains(message)
        }
    }
}

/// The firing rule on a manual clock: a schedule seen for the first time starts its history
/// without firing; one missed while no engine ran fires once, for the latest slot.
@Suite struct ScheduleDueTests {
    let cron = try! CronExpression("0 3 * * 1-5")
    let calendar = CronExpressionTests.utc
    func at(_ text: String) -> Date { CronExpressionTests.at(text) }

    @Test func aNewScheduleStartsItsHistoryWithoutFiring() {
        #expect(
            ScheduleDue.decide(cron, lastSlot: nil, now: at("2026-11-30 10:00"), calendar: calendar)
                == .start(at: at("2026-11-30 10:00")))
    }

    @Test func beforeTheNextSlotItWaitsAndSaysUntilWhen() {
        #expect(
            ScheduleDue.decide(
                cron, lastSlot: at("2026-11-30 03:00"), now: at("2026-11-30 10:00"), calendar: calendar)
                == .wait(next: at("2026-12-01 03:00")))
    }

    @Test func aSlotReachedFiresOnce() {
        #expect(
            ScheduleDue.decide(
                cron, lastSlot: at("2026-11-30 03:00"), now: at("2026-12-01 03:00"), calendar: calendar)
                == .fire(slot: at("2026-12-01 03:00"), foldedEarlier: false))
    }

    @Test func slotsMissedWhileNoEngineRanFireOnceForTheLatest() {
        // Last handled Friday 27th; the engine starts again Wednesday 2nd at 10:00: Monday's,
        // Tuesday's and Wednesday's slots were missed; one firing, for Wednesday 03:00.
        #expect(
            ScheduleDue.decide(
                cron, lastSlot: at("2026-11-27 03:00"), now: at("2026-12-02 10:00"), calendar: calendar)
                == .fire(slot: at("2026-12-02 03:00"), foldedEarlier: true))
    }

    @Test func aMinutelyScheduleLeftForAYearFindsItsLatestSlotQuickly() throws {
        let minutely = try CronExpression("* * * * *")
        #expect(
            ScheduleDue.decide(
                minutely, lastSlot: at("2025-11-30 10:00"), now: at("2026-11-30 10:00"), calendar: calendar)
                == .fire(slot: at("2026-11-30 10:00"), foldedEarlier: true))
    }
}
