import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

/// `enter` on a job with no waiting patch opens the job view: every stage on one time axis, its
/// tries, failures, cost and tokens, and every model call.
@Suite struct JobViewTests {
    /// Job 5 through every stage of the default pipeline, with a failed first implement, a slow
    /// test, a budget wait and three model calls; then merged.
    static func finishedJobModel() -> ConsoleModel {
        var model = Fixtures.model()
        var previous = Fixtures.beads.last!.hash
        var seq: Int64 = 200
        var events: [EngineEvent] = []
        var clock = Fixtures.now.addingTimeInterval(-600)
        func bead(
            _ kind: BeadKind, _ stage: StageName?, _ message: String, _ metadata: [String: String] = [:],
            after: Double
        ) {
            clock = clock.addingTimeInterval(after)
            seq += 1
            let hash = String(format: "%08x", 0xC000_0000 + Int(seq)) + String(repeating: "0", count: 56)
            events.append(
                .beadAppended(
                    Bead(
                        seq: seq, jobID: Fixtures.id(5), kind: kind, stage: stage, message: message,
                        metadata: metadata,
                        createdAtMillis: Int64(clock.timeIntervalSince1970 * 1000), prevHash: previous,
                        hash: hash)))
            previous = hash
        }
        func call(_ stage: StageName, tokens: Int, micros: Int) -> [String: String] {
            [
                "model": "anthropic:claude-sonnet-4", "tokens_in": "\(tokens)", "tokens_out": "\(tokens / 5)",
                "cost_micros": "\(micros)",
            ]
        }
        bead(.stageStarted, .analyze, "analyze", after: 0)
        bead(.modelCalled, .analyze, "call", call(.analyze, tokens: 1200, micros: 12_000), after: 4)
        bead(.stageFinished, .analyze, "ok", after: 1)
        bead(.stageStarted, .plan, "plan", after: 1)
        bead(.stageFinished, .plan, "ok", after: 10)
        bead(.stateChanged, nil, "waiting for the run budget", after: 1)
        bead(.stageStarted, .implement, "implement", after: 60)
        bead(.modelCalled, .implement, "call", call(.implement, tokens: 4000, micros: 40_000), after: 20)
        bead(.stageFailed, .implement, "edit block did not apply", after: 1)
        bead(.stageStarted, .implement, "implement (attempt 2)", after: 2)
        bead(.modelCalled, .implement, "call", call(.implement, tokens: 4200, micros: 42_000), after: 25)
        bead(.stageFinished, .implement, "ok", after: 2)
        bead(.stageStarted, .check, "check", after: 1)
        bead(.stageFinished, .check, "ok", after: 1)
        bead(.stageStarted, .review, "review", after: 1)
        bead(.stageFinished, .review, "8/10", after: 15)
        bead(.stageStarted, .test, "test", after: 1)
        bead(.stageSlow, .test, "test has run 60s", after: 60)
        bead(.stageFinished, .test, "12 passed", after: 30)
        bead(.stageStarted, .approve, "approve", after: 1)
        bead(.stageFinished, .approve, "approved", after: 120)
        bead(.stageStarted, .merge, "merge", after: 1)
        bead(.stageFinished, .merge, "merged", after: 3)
        var job = Fixtures.job(5, "Add retry jitter", state: .merged, priority: .p2, stage: .merge)
        job.updatedAt = clock
        events.append(.jobChanged(job))
        model.apply(contentsOf: events)
        return model
    }

    static func openJob5(_ model: inout ConsoleModel) {
        while model.selectedJob?.id != Fixtures.id(5) {
            let before = model.selectedJobIndex
            _ = model.handle(.char("j"), keymap: .default)
            if model.selectedJobIndex == before { break }
        }
        _ = model.handle(.enter, keymap: .default)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func jobViewShowsEveryStage(size: Size) throws {
        var model = Self.finishedJobModel()
        _ = model.handle(.char("g"), keymap: .default)
        Self.openJob5(&model)
        #expect(model.overlay == .job(Fixtures.id(5), top: 0))
        let canvas = ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme)
        Snapshot.check(canvas, named: "job-view-\(size.width)x\(size.height)")
        let text = canvas.lines.joined(separator: "\n")
        if size.height >= 40 {
            for stage in StageName.defaultPipeline { #expect(text.contains(stage.rawValue), "\(stage)") }
            #expect(text.contains("model calls 3"))
            #expect(text.contains("waiting for the run budget"))
        }
        #expect(text.contains("slow ×1"))
        // esc closes it; another key about another pane closes it and does what it says.
        _ = model.handle(.esc, keymap: .default)
        #expect(model.overlay == nil)
    }

    @Test func timelineFromBeads() throws {
        let model = Self.finishedJobModel()
        let timeline = JobTimeline(beads: model.beadsByJob[Fixtures.id(5)] ?? [])
        #expect(timeline.stages.map(\.stage) == StageName.defaultPipeline)
        let implement = try #require(timeline.stages.first { $0.stage == .implement })
        #expect(implement.tries == 2)
        #expect(implement.failures == ["edit block did not apply"])
        #expect(implement.calls == 2)
        #expect(implement.cost == Money(micros: 82_000))
        #expect(implement.tokens == 4000 + 800 + 4200 + 840)
        #expect(timeline.stages.first { $0.stage == .test }?.slowWarnings == 1)
        #expect(timeline.calls.count == 3)
        #expect(timeline.waits.map(\.text) == ["waiting for the run budget"])
        #expect(timeline.cost == Money(micros: 94_000))
        #expect(timeline.stages.allSatisfy { $0.ended != nil })
    }
}
