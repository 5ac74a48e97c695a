import Foundation
import PilothouseCore
import TOMLKit

/// One `[[schedules]]` entry: when (a cron expression, in a time zone) and what (import a plan,
/// or enqueue one job). Its name keys its history in the store, so renaming a schedule starts
/// a new history.
public struct ScheduleSettings: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Import the plan at this repository-relative path (`import = "PLAN.md"`).
        case importPlan(String)
        /// Enqueue one job (`enqueue = { goal = "…", files = […] }`).
        case enqueue(JobRequest)
    }

    public var name: String
    public var cron: CronExpression
    public var action: Action
    /// Where the cron's hours are read; default the machine's.
    public var timeZone: TimeZone

    public init(name: String, cron: CronExpression, action: Action, timeZone: TimeZone = .current) {
        self.name = name
        self.cron = cron
        self.action = action
        self.timeZone = timeZone
    }

    /// The calendar the cron expression is evaluated in.
    public var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// What the schedule does, in words (`schedules ls`, beads).
    public var actionText: String {
        switch action {
        case .importPlan(let path): "import \(path)"
        case .enqueue(let request): "enqueue \"\(JobTitle.from(goal: request.goal))\""
        }
    }

    /// Reads every `[[schedules]]` table: a bad cron expression, a missing or double action, an
    /// unknown time zone or a name used twice is refused with the file and line.
    static func read(_ reader: inout ConfigReader, into schedules: inout [ScheduleSettings])
        throws(ConfigError)
    {
        var names: Set<String> = []
        try reader.arrayOfTables("schedules") {
            (section: inout ConfigReader.Section, index) throws(ConfigError) in
            guard let text = try section.string("cron") else {
                throw section.invalid(
                    "cron", "nothing", expected: "a cron expression such as \"0 3 * * 1-5\"")
            }
            let cron: CronExpression
            do {
                cron = try CronExpression(text)
            } catch {
                throw section.invalid("cron", text, expected: "five cron fields: \(error)")
            }
            let plan = try section.string("import")
            let enqueue = try section.subtable("enqueue")
            let action: Action
            switch (plan, enqueue) {
            case (let plan?, nil):
                guard !plan.isEmpty else { throw section.invalid("import", plan, expected: "a plan's path") }
                action = .importPlan(plan)
            case (nil, let table?):
                action = .enqueue(try request(table, in: section))
            default:
                throw section.invalid(
                    "cron", text,
                    expected: "exactly one action: import = \"PLAN.md\" or enqueue = { goal = \"…\" }")
            }
            var timeZone = TimeZone.current
            if let zone = try section.string("timezone") {
                guard let found = TimeZone(identifier: zone) else {
                    throw section.invalid(
                        "timezone", zone, expected: "a time zone name such as \"UTC\" or \"Europe/Paris\"")
                }
                timeZone = found
            }
            let settings = ScheduleSettings(
                name: try section.string("name") ?? "", cron: cron, action: action, timeZone: timeZone)
            var named = settings
            if named.name.isEmpty { named.name = "\(settings.actionText) at \(cron)" }
            guard names.insert(named.name).inserted else {
                throw section.invalid("name", named.name, expected: "a name no other schedule has")
            }
            schedules.append(named)
        }
    }

    /// `enqueue = { goal, title, files, priority, category }`, each key checked like the CLI's.
    private static func request(_ table: TOMLTable, in section: ConfigReader.Section) throws(ConfigError)
        -> JobRequest
    {
        var sub = ConfigReader.Section(
            name: "\(section.name).enqueue", table: table, reader: section.reader,
            occurrence: section.occurrence)
        guard let goal = try sub.string("goal"), !goal.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw sub.invalid("goal", "nothing", expected: "what the job should achieve")
        }
        var request = JobRequest(
            goal: goal, title: try sub.string("title"), files: try sub.stringArray("files") ?? [])
        if let label = try sub.string("priority") {
            guard let priority = Priority(label: label) else {
                throw sub.invalid("priority", label, expected: "P0, P1, P2 or P3")
            }
            request.priority = priority
        }
        if let label = try sub.string("category") {
            guard let category = JobCategory(label: label) else {
                throw sub.invalid(
                    "category", label, expected: JobCategory.allCases.map(\.rawValue).joined(separator: ", "))
            }
            request.category = category
        }
        for key in table.keys.sorted() where !sub.consumed.contains(key) {
            throw .unknownKey(
                path: section.reader.path, line: sub.line(of: key), key: "\(sub.name).\(key)",
                known: sub.consumed.sorted())
        }
        return request
    }
}
