import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine

/// `pilothouse schedules ls`: the `[[schedules]]` of the configuration with their next runs.
struct SchedulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules", abstract: "Show the recurring imports and jobs of [[schedules]].",
        subcommands: [List.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls",
            abstract: "List schedules: cron, action, last slot handled, next run.",
            discussion: """
                A schedule fires while an engine runs (`run`, `engine`, `console`). One whose slots passed while
                no engine ran is shown as due: it fires once, for the latest slot, when an engine starts.
                With --json, a list of objects (schema: Docs/OPERATIONS.md).
                """)

        @Flag(help: "Print JSON (snake_case keys) instead of lines.")
        var json = false

        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (repository, store) = try options.openStoreForReading()
            let config = try options.config(for: repository)
            let slots = try store.scheduleSlots()
            let now = Date()
            let listings = config.schedules.map { ScheduleListing($0, lastSlot: slots[$0.name], now: now) }
            if json {
                print(try JSONOutput.encode(listings))
                return
            }
            guard !listings.isEmpty else {
                print(
                    "no schedules; add [[schedules]] to .pilothouse/pilothouse.toml (see Docs/CONFIGURATION.md)"
                )
                return
            }
            for listing in listings {
                let next =
                    listing.due ? "due now (fires once when an engine runs)" : "next \(listing.nextRunText)"
                print("\(listing.name)  [\(listing.cron) \(listing.timezone)]  \(listing.action)  \(next)")
            }
        }
    }
}

/// One schedule as `schedules ls` shows it.
private struct ScheduleListing: Encodable {
    var name: String
    var cron: String
    var timezone: String
    var action: String
    var lastSlot: Date?
    var nextRun: Date?
    /// Slots passed since the last one handled: it fires at the engine's next tick.
    var due: Bool
    var nextRunText: String

    init(_ schedule: ScheduleSettings, lastSlot: Date?, now: Date) {
        name = schedule.name
        cron = schedule.cron.text
        timezone = schedule.timeZone.identifier
        action = schedule.actionText
        self.lastSlot = lastSlot
        let decision = ScheduleDue.decide(
            schedule.cron, lastSlot: lastSlot, now: now, calendar: schedule.calendar)
        if case .fire = decision { due = true } else { due = false }
        nextRun = schedule.cron.next(after: max(lastSlot ?? now, now), calendar: schedule.calendar)
        nextRunText = nextRun.map { Scheduler.slotText($0, schedule) } ?? "never (the date does not exist)"
    }

    enum CodingKeys: String, CodingKey { case name, cron, timezone, action, lastSlot, nextRun, due }

    /// Every key present, `null` when there is no value, as in all `--json` outputs.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(cron, forKey: .cron)
        try container.encode(timezone, forKey: .timezone)
        try container.encode(action, forKey: .action)
        try container.encode(lastSlot, forKey: .lastSlot)
        try container.encode(nextRun, forKey: .nextRun)
        try container.encode(due, forKey: .due)
    }
}
