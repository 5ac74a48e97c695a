import Foundation
import PilothouseCore

/// Runs the `[[schedules]]` of a repository: at each tick, every schedule whose slot has come
/// (or was missed while no engine ran: once, for the latest slot) imports its plan or
/// enqueues its job through the operations layer.
///
/// A slot is claimed in the store before its action runs, atomically, so of several engines
/// sharing a store exactly one acts on it; the claim writes the `schedule_fired` bead. An
/// engine killed between the claim and the action loses that one firing (at most once, never
/// twice); the next slot fires as usual.
public struct Scheduler: Sendable {
    public let schedules: [ScheduleSettings]
    let operations: JobOperations
    let repositoryRoot: String
    let jobs: PilothouseConfig.JobsSection
    /// Patterns that block an enqueued job's text, as for `pilothouse enqueue`.
    let secrets: Redactor

    public init(
        schedules: [ScheduleSettings], operations: JobOperations, repositoryRoot: String,
        jobs: PilothouseConfig.JobsSection, secrets: Redactor
    ) {
        self.schedules = schedules
        self.operations = operations
        self.repositoryRoot = repositoryRoot
        self.jobs = jobs
        self.secrets = secrets
    }

    /// What one tick did for one schedule.
    public enum Report: Sendable, Equatable {
        /// First seen: its history starts now, nothing fired.
        case started(name: String)
        /// Fired for `slot`; `summary` says what it queued.
        case fired(name: String, slot: Date, summary: String)
        /// Fired for `slot`, but its action was refused or failed (`message` says why).
        case failed(name: String, slot: Date, message: String)

        public var text: String {
            switch self {
            case .started(let name): "schedule \"\(name)\" starts now"
            case .fired(let name, _, let summary): "schedule \"\(name)\" fired: \(summary)"
            case .failed(let name, _, let message): "schedule \"\(name)\" fired but failed: \(message)"
            }
        }
    }

    /// Fires what is due at `now`. A schedule that fails does not stop the others; a store
    /// that cannot be read or written throws (the engine reports it and tries again).
    public func tick(now: Date) throws -> [Report] {
        guard !schedules.isEmpty else { return [] }
        let slots = try operations.store.scheduleSlots()
        var reports: [Report] = []
        for schedule in schedules {
            switch ScheduleDue.decide(
                schedule.cron, lastSlot: slots[schedule.name], now: now, calendar: schedule.calendar)
            {
            case .wait:
                continue
            case .start(let at):
                if try operations.store.claimScheduleSlot(
                    name: schedule.name, slot: at, firing: false, message: "")
                {
                    reports.append(.started(name: schedule.name))
                }
            case .fire(let slot, let folded):
                let message =
                    "schedule \"\(schedule.name)\" (\(schedule.cron)) fired for \(Self.slotText(slot, schedule))"
                    + (folded ? ", folding slots missed while no engine ran" : "")
                    + ": \(schedule.actionText)"
                guard
                    try operations.store.claimScheduleSlot(
                        name: schedule.name, slot: slot, firing: true, message: message)
                else { continue }
                do {
                    reports.append(
                        .fired(name: schedule.name, slot: slot, summary: try perform(schedule.action)))
                } catch {
                    reports.append(
                        .failed(name: schedule.name, slot: slot, message: String(describing: error)))
                }
            }
        }
        return reports
    }

    private func perform(_ action: ScheduleSettings.Action) throws -> String {
        switch action {
        case .importPlan(let path):
            let summary = try operations.importPlanFile(
                path, repositoryRoot: repositoryRoot, maxAttempts: jobs.maxAttempts)
            return "\(path): \(summary.added.count) added, \(summary.updated.count) updated"
        case .enqueue(let request):
            let job = try operations.enqueue(try request.job(defaults: jobs), secrets: secrets)
            return "queued \(job.id.short) \(job.title)"
        }
    }

    public static func slotText(_ slot: Date, _ schedule: ScheduleSettings) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = schedule.timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: slot)
    }
}
