import Foundation
import PilothouseCore

/// The three accounts one call is charged to: its run, its UTC calendar day and its job.
///
/// The day key is the UTC date, so a day budget resets at the same instant for every engine
/// sharing the database, whatever their local time zones.
public struct BudgetKeys: Sendable, Hashable {
    public var run: String
    public var day: String
    public var job: String

    public init(run: String, day: String, job: String) {
        self.run = run
        self.day = day
        self.job = job
    }

    public init(runID: String?, jobID: JobID?, at date: Date) {
        self.init(run: runID ?? "", day: Self.utcDay(date), job: jobID?.rawValue ?? "")
    }

    public func key(for scope: BudgetScope) -> String {
        switch scope {
        case .run: run
        case .day: day
        case .job: job
        }
    }

    /// `YYYY-MM-DD` of `date` in UTC, computed without a calendar (civil-from-days).
    public static func utcDay(_ date: Date) -> String {
        let days = Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
