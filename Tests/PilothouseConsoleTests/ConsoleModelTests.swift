import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

@Suite struct ConsoleModelTests {
    @Test func snapshotThenDeltasFold() {
        let model = Fixtures.model()
        #expect(model.hasSnapshot)
        #expect(model.jobs.count == 9)
        #expect(model.jobs[Fixtures.id(5)]?.state == .running)
        #expect(model.runningJobCount == 3)
        #expect(model.stages[Fixtures.id(5)]?[.plan]?.status == .started)
        #expect(model.approvals.map(\.jobID) == [Fixtures.id(1), Fixtures.id(2)])
        #expect(model.quarantine.map(\.id) == [Fixtures.id(71), Fixtures.id(72)])
        #expect(model.engineState == .running)
        #expect(model.status.text == "config: 2 models, budget $5.00/run")
        // Priority order: P0s first, then by id.
        #expect(model.visibleJobIDs.prefix(3) == [Fixtures.id(1), Fixtures.id(4), Fixtures.id(7)])
        #expect(model.beadsByJob[Fixtures.id(1)]?.count == 8)
        #expect(model.engineBeads.count == 1)
        #expect(model.chain == .linked(9))
        #expect(model.jobCost[Fixtures.id(1)] == Money(micros: 42_000))
        #expect(
            model.approvalStats[Fixtures.id(1)] == DiffStats(filesChanged: 2, linesAdded: 4, linesRemoved: 2))
    }

    @Test func repeatedSnapshotKeepsPlaceAndDoesNotDuplicate() {
        var model = Fixtures.model()
        _ = model.handle(.char("j"), keymap: .default)
        _ = model.handle(.char(" "), keymap: .default)
        let selected = model.selectedJobID
        let marks = model.marks
        model.apply(.snapshot(Fixtures.snapshot))
        model.apply(.snapshot(Fixtures.snapshot))
        #expect(model.selectedJobID == selected)
        #expect(model.marks == marks)
        #expect(model.beadsByJob[Fixtures.id(1)]?.count == 8)
        #expect(model.jobCost[Fixtures.id(1)] == Money(micros: 42_000))
        #expect(model.chain == .linked(9))
        // The repeated snapshot wins over the earlier delta: job 5 is queued again.
        #expect(model.jobs[Fixtures.id(5)]?.state == .queued)
        #expect(model.runningJobCount == 2)
        var finished = Fixtures.jobs[2]
        finished.state = .merged
        model.apply(.jobChanged(finished))
        #expect(model.runningJobCount == 1)
    }

    @Test func snapshotDropsVanishedJobsAndMarks() {
        var model = Fixtures.model()
        model.marks = [Fixtures.id(9)]
        var smaller = Fixtures.snapshot
        smaller.jobs.removeAll { $0.id == Fixtures.id(9) }
        model.apply(.snapshot(smaller))
        #expect(model.jobs[Fixtures.id(9)] == nil)
        #expect(model.marks.isEmpty)
        #expect(!model.visibleJobIDs.contains(Fixtures.id(9)))
    }

    @Test func deltasUpdateListsAndSelectionSurvives() {
        var model = Fixtures.model()
        _ = model.handle(.char("5"), keymap: .default)
        #expect(model.selectedApprovalID == Fixtures.id(1))
        model.apply(.approvalResolved(Fixtures.id(1)))
        #expect(model.approvals.count == 1)
        #expect(model.selectedApprovalID == Fixtures.id(2))
        model.apply(.quarantineRemoved(Fixtures.id(71)))
        #expect(model.quarantine.map(\.id) == [Fixtures.id(72)])
        let record = QuarantineRecord(
            id: Fixtures.id(73), jobID: Fixtures.id(3), reason: .secretDetected, message: "AWS key in patch",
            createdAt: Fixtures.base)
        model.apply(.quarantineAdded(record))
        #expect(model.quarantine.first?.id == Fixtures.id(73))
        model.apply(.engineStateChanged(.paused))
        #expect(model.engineState == .paused)
        var changed = Fixtures.jobs[0]
        changed.priority = .p3
        model.apply(.jobChanged(changed))
        #expect(model.visibleJobIDs[6] == Fixtures.id(1))  // P3 now: after P0 4, 7; P1 2, 3; P2 5, 8
    }

    @Test func brokenLinkIsReported() {
        var model = Fixtures.model()
        let bad = Bead(
            seq: 11, jobID: Fixtures.id(3), kind: .stageFinished, message: "ok", createdAtMillis: 0,
            prevHash: String(repeating: "f", count: 64), hash: String(repeating: "e", count: 64))
        model.apply(.beadAppended(bad))
        #expect(model.chain == .broken(seq: 11))
        // A bead seen twice is ignored.
        model.apply(.beadAppended(bad))
        #expect(model.beadsByJob[Fixtures.id(3)]?.count == 2)
    }

    @Test func commandOutcomeAndNoticeGoToStatusLine() {
        var model = Fixtures.model()
        model.apply(
            .commandCompleted(
                CommandOutcome(command: .pauseEngine, succeeded: false, message: "already paused")))
        #expect(model.status == StatusMessage("already paused", tone: .error))
        model.apply(.commandCompleted(CommandOutcome(command: .pauseEngine, succeeded: true, message: "")))
        #expect(model.status == StatusMessage("pause engine: done", tone: .ok))
    }

    @Test func resolvedApprovalClosesItsDiff() {
        var model = Fixtures.model()
        _ = model.handle(.char("5"), keymap: .default)
        _ = model.handle(.enter, keymap: .default)
        #expect(model.diff?.jobID == Fixtures.id(1))
        model.apply(.approvalResolved(Fixtures.id(1)))
        #expect(model.diff == nil)
    }

    @Test func manyJobsStayOrderedAndCheapToUpdate() {
        var model = ConsoleModel(now: Fixtures.now)
        let jobs = (1...2000).map {
            Fixtures.job($0, "job \($0)", state: .queued, priority: Priority(rawValue: $0 % 4)!)
        }
        model.apply(.snapshot(EngineSnapshot(jobs: jobs)))
        #expect(model.visibleJobIDs.count == 2000)
        #expect(model.jobs[model.visibleJobIDs[0]]?.priority == .p0)
        var moved = jobs[4]
        moved.state = .running
        model.apply(.jobChanged(moved))
        #expect(model.jobs[moved.id]?.state == .running)
        #expect(model.visibleJobIDs.count == 2000)
    }
}

@Suite struct JobFilterTests {
    let jobs = Fixtures.jobs

    func matching(_ text: String) -> [Int] {
        let filter = JobFilter(text)
        return jobs.enumerated().filter { filter.matches($0.element) }.map { $0.offset + 1 }
    }

    @Test func substringIsCaseInsensitive() {
        #expect(matching("CACHE") == [3])
        #expect(matching("") == Array(1...9))
        #expect(matching("日本") == [8])
    }

    @Test func stateAndPriorityAndCategory() {
        #expect(matching("state:awaiting_approval") == [1, 2])
        #expect(matching("state:await") == [1, 2])
        #expect(matching("state:awaiting-approval") == [1, 2])
        #expect(matching("p0") == [1, 4, 7])
        #expect(matching("P1") == [2, 3])
        #expect(matching("cat:security p0") == [4, 7])
        #expect(matching("stage:impl") == [4])
        #expect(matching("p0 shell") == [7])
        #expect(matching("state:nope") == [])
    }

    @Test func filterPromptAppliesAsYouType() {
        var model = Fixtures.model()
        _ = model.handle(.char("/"), keymap: .default)
        for c in "p0" { _ = model.handle(.char(c), keymap: .default) }
        #expect(model.visibleJobIDs.count == 3)
        _ = model.handle(.enter, keymap: .default)
        #expect(model.prompt == nil)
        #expect(model.filterText == "p0")
        #expect(model.status.text == "3 of 9 jobs match")
        _ = model.handle(.esc, keymap: .default)
        #expect(model.filterText.isEmpty)
        #expect(model.visibleJobIDs.count == 9)
    }
}
