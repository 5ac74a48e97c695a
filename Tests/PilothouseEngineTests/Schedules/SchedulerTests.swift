import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// The scheduler on a manual clock against a real store: a new schedule starts without
/// firing, a reached slot fires once, slots missed while no engine ran fire once, two engines
/// sharing the store fire a slot once between them, and a failing action does not stop the rest.
@Suite struct SchedulerTests {
    let directory = TemporaryDirectory()
    let utc = TimeZone(identifier: "UTC")!

    func at(_ text: String) -> Date { CronExpressionTestsClock.at(text) }

    private func scheduler(_ store: SQLiteStore, _ schedules: [ScheduleSettings]) -> Scheduler {
        var config = PilothouseConfig()
        config.schedules = schedules
        return Scheduler(
            schedules: schedules, operations: JobOperations(store: store, config: config),
            repositoryRoot: directory.path, jobs: config.jobs,
            secrets: config.policy.blocking(config.redactor))
    }

    private func weekdayImport(_ name: String = "nightly") throws -> ScheduleSettings {
        ScheduleSettings(
            name: name, cron: try CronExpression("0 3 * * 1-5"), action: .importPlan("PLAN.md"), timeZone: utc
        )
    }

    private func writePlan(_ items: [String]) throws {
        let text =
            "# Plan\n\n## P1 — Important\n\n"
            + items.enumerated().map { "### \($0.offset + 1). \($0.element)\n\nDo it.\n" }.joined(
                separator: "\n")
        try text.write(toFile: directory.file("PLAN.md"), atomically: true, encoding: .utf8)
    }

    @Test func aScheduleStartsThenFiresOnceAtItsSlot() throws {
        try writePlan(["Fix the parser"])
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let scheduler = scheduler(store, [try weekdayImport()])
        #expect(try scheduler.tick(now: at("2026-11-30 01:00")) == [.started(name: "nightly")])
        #expect(try store.jobs().isEmpty)
        #expect(try scheduler.tick(now: at("2026-11-30 02:59")).isEmpty)
        let fired = try scheduler.tick(now: at("2026-11-30 03:00"))
        #expect(
            fired == [
                .fired(name: "nightly", slot: at("2026-11-30 03:00"), summary: "PLAN.md: 1 added, 0 updated")
            ])
        #expect(try store.jobs().map(\.title) == ["Fix the parser"])
        #expect(try scheduler.tick(now: at("2026-11-30 03:00")).isEmpty)
        #expect(try scheduler.tick(now: at("2026-11-30 23:00")).isEmpty)
        let beads = try store.beads().filter { $0.kind == .scheduleFired }
        #expect(beads.count == 1)
        #expect(beads.first?.message.contains("fired for 2026-11-30 03:00") == true)
    }

    @Test func slotsMissedWhileNoEngineRanFireOnce() throws {
        try writePlan(["Fix the parser"])
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let scheduler = scheduler(store, [try weekdayImport()])
        _ = try scheduler.tick(now: at("2026-11-27 01:00"))  // Friday: starts
        _ = try scheduler.tick(now: at("2026-11-27 03:00"))  // fires Friday's slot
        // Down until Wednesday 10:00: Monday's, Tuesday's and Wednesday's slots passed.
        let reports = try scheduler.tick(now: at("2026-12-02 10:00"))
        #expect(reports.count == 1)
        #expect(
            reports.first
                == .fired(
                    name: "nightly", slot: at("2026-12-02 03:00"), summary: "PLAN.md: 0 added, 0 updated"))
        #expect(try scheduler.tick(now: at("2026-12-02 10:01")).isEmpty)
        #expect(
            try store.beads().filter { $0.kind == .scheduleFired }.last?.message.contains(
                "folding slots missed") == true)
    }

    @Test func twoEnginesSharingAStoreFireASlotOnce() throws {
        let path = directory.file("p.db")
        let first = try SQLiteStore.openOrCreate(path: path)
        let second = try SQLiteStore.open(path: path)
        let request = JobRequest(goal: "Update the pinned dependencies", files: ["requirements.txt"])
        let schedule = ScheduleSettings(
            name: "deps", cron: try CronExpression("@daily"), action: .enqueue(request), timeZone: utc)
        let engines = [scheduler(first, [schedule]), scheduler(second, [schedule])]
        #expect(try engines.map { try $0.tick(now: at("2026-11-30 10:00")).count } == [1, 0])
        let reports = try engines.flatMap { try $0.tick(now: at("2026-12-01 00:00")) }
        #expect(reports.count == 1)
        #expect(try first.jobs().map(\.goal) == ["Update the pinned dependencies"])
        #expect(try first.jobs().first?.filesHint == ["requirements.txt"])
    }

    @Test func aFailingActionIsReportedAndTheOthersStillFire() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let missing = try weekdayImport("missing plan")
        let escape = ScheduleSettings(
            name: "escape", cron: try CronExpression("0 3 * * 1-5"), action: .importPlan("../outside.md"),
            timeZone: utc)
        let job = ScheduleSettings(
            name: "job", cron: try CronExpression("0 3 * * 1-5"),
            action: .enqueue(JobRequest(goal: "Tidy the docs")),
            timeZone: utc)
        let scheduler = scheduler(store, [missing, escape, job])
        _ = try scheduler.tick(now: at("2026-11-30 01:00"))
        let reports = try scheduler.tick(now: at("2026-11-30 03:00"))
        #expect(reports.count == 3)
        guard case .failed(_, _, let message) = reports[0] else {
            Issue.record("a missing plan should fail, got \(reports[0])")
            return
        }
        #expect(message.contains("no such file"))
        guard case .failed(_, _, let escaped) = reports[1] else {
            Issue.record("a plan outside the repository should fail, got \(reports[1])")
            return
        }
        #expect(escaped.contains(".."))
        guard case .fired = reports[2] else {
            Issue.record("the job schedule should fire, got \(reports[2])")
            return
        }
        #expect(try store.jobs().map(\.goal) == ["Tidy the docs"])
    }
}

/// The engine runs its schedules: one missed while no engine ran fires when the engine starts,
/// and the job it queues runs in the same run.
@Suite(.timeLimit(.minutes(3))) struct EngineScheduleTests {
    let directory = TemporaryDirectory()

    @Test func aMissedScheduleFiresWhenTheEngineStartsAndItsJobRuns() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let schedule = ScheduleSettings(
            name: "hourly tidy", cron: try CronExpression("0 * * * *"),
            action: .enqueue(JobRequest(goal: "Tidy the imports")), timeZone: TimeZone(identifier: "UTC")!)
        // Its history says it last ran two hours ago: slots were missed while nothing ran.
        _ = try store.claimScheduleSlot(
            name: schedule.name, slot: Date().addingTimeInterval(-7_200), firing: false, message: "")
        var config = PilothouseConfig()
        config.schedules = [schedule]
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(), repositoryRoot: directory.path)
        await engine.setScheduler(
            Scheduler(
                schedules: [schedule], operations: JobOperations(store: store, config: config),
                repositoryRoot: directory.path, jobs: config.jobs,
                secrets: config.policy.blocking(config.redactor)))
        let summary = await engine.run(untilIdle: true)
        let jobs = try store.jobs()
        #expect(jobs.map(\.goal) == ["Tidy the imports"])
        #expect(summary.merged.count + summary.completed.count == 1)
        #expect(try store.beads().filter { $0.kind == .scheduleFired }.count == 1)
    }
}

/// UTC dates written the way the tests read them.
enum CronExpressionTestsClock {
    static func at(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }
}
