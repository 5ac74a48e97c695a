import Foundation
import Testing

@testable import PilothouseCore

@Suite struct SwarmActivityTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_040)  // 20 s into a minute

    func job(_ n: Int, _ state: JobState, at: Date) -> Job {
        Job(
            id: JobID("01JA" + String(repeating: "0", count: 22 - String(n).count) + String(n))!,
            title: "j\(n)", goal: "",
            state: state, createdAt: t0.addingTimeInterval(-3600), updatedAt: at)
    }

    func modelCalled(at: Date, cost: Int64, tokensIn: Int, tokensOut: Int) -> Bead {
        Bead(
            seq: 1, jobID: nil, kind: .modelCalled, stage: .implement, message: "",
            metadata: ["cost_micros": "\(cost)", "tokens_in": "\(tokensIn)", "tokens_out": "\(tokensOut)"],
            createdAtMillis: Int64(at.timeIntervalSince1970 * 1000), prevHash: "", hash: "")
    }

    @Test func minuteSeriesKeepsFifteenMinutesOldestFirst() {
        var series = MinuteSeries()
        series.add(2, at: t0)
        series.add(3, at: t0.addingTimeInterval(45))  // the next minute
        series.add(1, at: t0.addingTimeInterval(-13 * 60))
        series.add(9, at: t0.addingTimeInterval(-15 * 60))  // outside the window: dropped
        let values = series.values(endingAt: t0.addingTimeInterval(45))
        #expect(values.count == 15)
        #expect(values.first == 1)
        #expect(values.suffix(2) == [2, 3])
        #expect(values.reduce(0, +) == 6)
        #expect(series.total(lastMinutes: 2, endingAt: t0.addingTimeInterval(45)) == 5)
        // Much later everything has aged out.
        #expect(series.values(endingAt: t0.addingTimeInterval(3600)).allSatisfy { $0 == 0 })
    }

    @Test func finishedJobsCountOnceAndRatesFollow() throws {
        var activity = SwarmActivity()
        activity.snapshot([job(1, .queued, at: t0)], at: t0)
        for n in 1...20 {
            let at = t0.addingTimeInterval(Double(n) * 15)
            activity.jobChanged(from: job(n, .running, at: at), to: job(n, .merged, at: at))
            // The same job reported again (a repeated delta) is not a second finish.
            activity.jobChanged(from: job(n, .merged, at: at), to: job(n, .merged, at: at))
        }
        let now = t0.addingTimeInterval(300)
        #expect(activity.finished.total(lastMinutes: 15, endingAt: now) == 20)
        let rate = try #require(activity.throughputPerMinute(at: now))
        #expect(rate == 4)  // 20 jobs over the 5 minutes observed
        #expect(activity.drainTime(remaining: 40, at: now) == 600)
        #expect(activity.drainTime(remaining: 0, at: now) == 0)
        #expect(SwarmActivity().drainTime(remaining: 3, at: now) == nil)
    }

    @Test func quarantinedCountsAsDoneAndSnapshotsBackfill() {
        var activity = SwarmActivity()
        let now = t0.addingTimeInterval(600)
        activity.snapshot(
            [
                job(1, .merged, at: t0), job(2, .quarantined, at: t0),
                job(3, .failed, at: t0.addingTimeInterval(-3600)),
            ],
            at: now)
        #expect(activity.finished.total(lastMinutes: 15, endingAt: now) == 2)
    }

    @Test func spendAndTokensFromModelCalls() {
        var activity = SwarmActivity()
        activity.bead(modelCalled(at: t0, cost: 1500, tokensIn: 100, tokensOut: 20))
        activity.bead(modelCalled(at: t0.addingTimeInterval(1), cost: 500, tokensIn: 10, tokensOut: 0))
        var other = modelCalled(at: t0, cost: 99, tokensIn: 9, tokensOut: 9)
        other.kind = .stageFinished
        activity.bead(other)
        #expect(activity.spend.values(endingAt: t0).last == 2000)
        #expect(activity.tokens.values(endingAt: t0).last == 130)
    }

    @Test func sparklineScalesToTheLargestAndShowsSmallValues() {
        #expect(Sparkline.render([0, 1, 4, 8]) == " ▁▄█")
        #expect(Sparkline.render([1, 1000]) == "▁█")
        #expect(Sparkline.render([0, 0]) == "  ")
        #expect(Sparkline.render([]) == "")
    }
}

@Suite struct JobTimelineTests {
    func bead(_ seq: Int64, _ kind: BeadKind, _ stage: StageName?, _ message: String, second: Int64) -> Bead {
        Bead(
            seq: seq, jobID: nil, kind: kind, stage: stage, message: message,
            createdAtMillis: 1_750_000_000_000 + second * 1000, prevHash: "")
    }

    @Test func theApprovalGateIsAStageFromTheWaitToTheDecision() throws {
        let timeline = JobTimeline(beads: [
            bead(1, .stageStarted, .test, "test", second: 0),
            bead(2, .stageFinished, .test, "ok", second: 5),
            bead(3, .stateChanged, nil, "patch waiting for approval", second: 6),
            bead(4, .patchApproved, nil, "approved", second: 66),
            bead(5, .stageStarted, .merge, "merge", second: 67),
            bead(6, .stageFinished, .merge, "merged", second: 70),
        ])
        #expect(timeline.stages.map(\.stage) == [.test, .approve, .merge])
        let gate = try #require(timeline.stages.first { $0.stage == .approve })
        #expect(gate.ended.map { $0.timeIntervalSince(gate.started) } == 60)
        #expect(timeline.waits.count == 1)
    }

    @Test func anOpenGateStaysOpenAndNoBeadsMeansNoStart() {
        let waiting = JobTimeline(beads: [
            bead(1, .stateChanged, nil, "patch waiting for approval", second: 0)
        ])
        #expect(waiting.stages.first?.ended == nil)
        #expect(JobTimeline(beads: []).start == nil)
    }
}
