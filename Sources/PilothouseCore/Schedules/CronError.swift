/// Why a cron expression was refused: which field, what it held, and what it may hold.
public enum CronError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not five fields (minute, hour, day of month, month, day of week) nor a known `@` name.
    case fieldCount(expression: String, found: Int)
    /// One field's value cannot be read or is out of its range.
    case invalidField(expression: String, field: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .fieldCount(let expression, let found):
            "cron \"\(expression)\" has \(found) field\(found == 1 ? "" : "s"); write five (minute hour day-of-month month day-of-week), e.g. \"0 3 * * 1-5\", or @hourly, @daily, @weekly, @monthly, @yearly"
        case .invalidField(let expression, let field, let value, let reason):
            "cron \"\(expression)\": \(field) \"\(value)\" \(reason)"
        }
    }
}
