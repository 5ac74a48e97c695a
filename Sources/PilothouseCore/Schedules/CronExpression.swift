import Foundation

/// A standard five-field cron expression (minute, hour, day of month, month, day of week),
/// as crontab(5) reads it: `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, lists `a,b`,
/// month and weekday names (`jan`, `mon`), Sunday as 0 or 7, and the `@hourly`, `@daily`,
/// `@weekly`, `@monthly`, `@yearly` shorthands.
///
/// Day of month and day of week follow cron's rule: when both are restricted (neither starts
/// with `*`), a day matches if either does; otherwise both must.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday.
    let weekdays: Set<Int>
    let dayOfMonthRestricted: Bool
    let weekdayRestricted: Bool

    public var description: String { text }

    private static let shorthands = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]
    private static let monthNames = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    private static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public init(_ text: String) throws(CronError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        self.text = trimmed
        let expanded = Self.shorthands[trimmed.lowercased()] ?? trimmed
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            if trimmed.hasPrefix("@") {
                throw .invalidField(
                    expression: trimmed, field: "shorthand", value: trimmed,
                    reason: "is not one of @hourly, @daily, @weekly, @monthly, @yearly")
            }
            throw .fieldCount(expression: trimmed, found: fields.count)
        }
        func parse(
            _ index: Int, _ name: String, _ range: ClosedRange<Int>, names: [String] = [], base: Int = 0
        )
            throws(CronError) -> Set<Int>
        {
            try Self.field(
                fields[index], name: name, range: range, names: names, nameBase: base, expression: trimmed)
        }
        minutes = try parse(0, "minute", 0...59)
        hours = try parse(1, "hour", 0...23)
        daysOfMonth = try parse(2, "day of month", 1...31)
        months = try parse(3, "month", 1...12, names: Self.monthNames, base: 1)
        // 7 is Sunday too, as in crontab(5).
        weekdays = Set(try parse(4, "day of week", 0...7, names: Self.dayNames).map { $0 % 7 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        weekdayRestricted = !fields[4].hasPrefix("*")
    }

    /// One field: a comma-separated list of `*`, `n`, `a-b`, each optionally `/step`.
    private static func field(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int,
        expression: String
    ) throws(CronError) -> Set<Int> {
        func refuse(_ value: String, _ reason: String) -> CronError {
            .invalidField(expression: expression, field: name, value: value, reason: reason)
        }
        func number(_ token: Substring) throws(CronError) -> Int {
            if let value = Int(token) {
                guard range.contains(value) else {
                    throw refuse(String(token), "is out of range \(range.lowerBound)–\(range.upperBound)")
                }
                return value
            }
            if let index = names.firstIndex(of: token.lowercased()) { return index + nameBase }
            let hint = names.isEmpty ? "" : " or a name (\(names.prefix(3).joined(separator: ", "))…)"
            throw refuse(
                String(token), "is not a number from \(range.lowerBound) to \(range.upperBound)\(hint)")
        }
        var values: Set<Int> = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw refuse(text, "has an empty item in its list") }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw refuse(String(item), "has more than one /step") }
            var step = 1
            if parts.count == 2 {
                guard let value = Int(parts[1]), value > 0 else {
                    throw refuse(String(item), "has a step that is not a whole number above 0")
                }
                step = value
            }
            let span = parts[0]
            let bounds: ClosedRange<Int>
            if span == "*" {
                bounds = range
            } else if let dash = span.firstIndex(of: "-") {
                let low = try number(span[..<dash])
                let high = try number(span[span.index(after: dash)...])
                guard low <= high else { throw refuse(String(item), "is a range that runs backwards") }
                bounds = low...high
            } else {
                let start = try number(span)
                // `5/15` means 5, 20, 35, 50, as in Vixie cron.
                bounds = parts.count == 2 ? start...range.upperBound : start...start
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values
    }

    /// Whether the minute that contains `date` is one of the expression's.
    public func matches(_ date: Date, calendar: Calendar) -> Bool {
        let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
        guard let minute = parts.minute, let hour = parts.hour, let day = parts.day, let month = parts.month,
            let weekday = parts.weekday
        else { return false }
        return minutes.contains(minute) && hours.contains(hour) && months.contains(month)
            && dayMatches(day: day, weekday: weekday - 1)
    }

    private func dayMatches(day: Int, weekday: Int) -> Bool {
        let byDay = daysOfMonth.contains(day)
        let byWeekday = weekdays.contains(weekday)
        return dayOfMonthRestricted && weekdayRestricted ? byDay || byWeekday : byDay && byWeekday
    }

    /// The first minute strictly after `date` that the expression names, in `calendar`'s time
    /// zone; nil when none comes within eight years (`0 0 30 2 *`: February 30th).
    public func next(after date: Date, calendar: Calendar) -> Date? {
        guard var candidate = calendar.dateInterval(of: .minute, for: date)?.end else { return nil }
        let limit = date.addingTimeInterval(8 * 366 * 86_400)
        while candidate < limit {
            let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: candidate)
            guard let minute = parts.minute, let hour = parts.hour, let day = parts.day,
                let month = parts.month,
                let weekday = parts.weekday
            else { return nil }
            let unit: Calendar.Component
            if !months.contains(month) {
                unit = .month
            } else if !dayMatches(day: day, weekday: weekday - 1) {
                unit = .day
            } else if !hours.contains(hour) {
                unit = .hour
            } else if !minutes.contains(minute) {
                unit = .minute
            } else {
                return candidate
            }
            // Skip the whole month, day or hour that cannot match.
            guard let following = calendar.dateInterval(of: unit, for: candidate)?.end, following > candidate
            else { return nil }
            candidate = following
        }
        return nil
    }
}
