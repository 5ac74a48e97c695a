import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

@Suite struct PlanImportStoreTests {
    let directory = TemporaryDirectory()

    private let plan = """
        # Fix plan

        ## P0 — Critical

        ### 1. Parser crashes on empty input
        The parser traps on an empty string.
        File: `src/parser.py`

        ## P2 — Medium

        ### 2. Slow startup
        Startup reads every file twice.
        """

    @Test func importingTwiceAddsNothing() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let items = PlanParser.parse(plan)
        #expect(items.count == 2)
        let first = try store.importPlan(items, plan: "PLAN.md", maxAttempts: 3)
        #expect(first.added.count == 2)
        let second = try store.importPlan(PlanParser.parse(plan), plan: "PLAN.md", maxAttempts: 3)
        #expect(second.added.isEmpty && second.updated.isEmpty && second.unchanged == 2)
        let jobs = try store.jobs()
        #expect(jobs.map(\.priority) == [.p0, .p2])
        #expect(jobs.first?.filesHint == ["src/parser.py"])
        #expect(try store.verifyBeads() == .ok(count: 2))
    }

    @Test func changedItemUpdatesItsQueuedJobOnly() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        _ = try store.importPlan(PlanParser.parse(plan), plan: "PLAN.md", maxAttempts: 3)
        let slow = try #require(try store.jobs().first { $0.title.contains("Slow") })
        let crash = try #require(try store.jobs().first { $0.title.contains("Parser") })
        _ = try store.transition(crash.id, to: .running)
        let edited = plan.replacingOccurrences(
            of: "reads every file twice", with: "reads every file three times"
        )
        .replacingOccurrences(of: "traps on an empty string", with: "traps on empty strings")
        let summary = try store.importPlan(PlanParser.parse(edited), plan: "PLAN.md", maxAttempts: 3)
        #expect(summary.updated == [slow.id])
        #expect(summary.notQueued == 1)
        #expect(try store.job(slow.id)?.goal.contains("three times") == true)
        #expect(try store.job(crash.id)?.goal.contains("an empty string") == true)
        #expect(try store.beads().last?.kind == .jobUpdated)
    }

    @Test func samePlanNameElsewhereIsADifferentPlan() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        _ = try store.importPlan(PlanParser.parse(plan), plan: "a/PLAN.md", maxAttempts: 3)
        let other = try store.importPlan(PlanParser.parse(plan), plan: "b/PLAN.md", maxAttempts: 3)
        #expect(other.added.count == 2)
    }
}
