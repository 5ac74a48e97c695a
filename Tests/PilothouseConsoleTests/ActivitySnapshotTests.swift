import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

/// The gauges pane's sparklines and the header's throughput, from a swarm that finished jobs and
/// called models over the last minutes.
@Suite struct ActivitySnapshotTests {
    /// The fixture model plus model calls and finished jobs spread over the last 12 minutes.
    static func busyModel() -> ConsoleModel {
        var model = Fixtures.model()
        var previous = Fixtures.beads.last!.hash
        var events: [EngineEvent] = []
        for minute in 0..<12 {
            let at = Fixtures.now.addingTimeInterval(-Double(minute) * 60 - 5)
            let hash = String(format: "%08x", 0xB000_0000 + minute) + String(repeating: "0", count: 56)
            events.append(
                .beadAppended(
                    Bead(
                        seq: Int64(100 + 12 - minute), jobID: Fixtures.id(3), kind: .modelCalled,
                        stage: .review,
                        message: "review",
                        metadata: [
                            "cost_micros": "\((minute % 4 + 1) * 25_000)",
                            "tokens_in": "\(1000 * (12 - minute))",
                            "tokens_out": "200",
                        ], createdAtMillis: Int64(at.timeIntervalSince1970 * 1000), prevHash: previous,
                        hash: hash)))
            previous = hash
        }
        // Beads must arrive in chain order: oldest first.
        events.reverse()
        var finished = Fixtures.job(3, "Cache the pricing table", state: .merged, stage: .merge)
        finished.updatedAt = Fixtures.now.addingTimeInterval(-60)
        events.append(.jobChanged(finished))
        var failed = Fixtures.job(4, "Redact tokens in transcripts", state: .failed, stage: .test)
        failed.updatedAt = Fixtures.now.addingTimeInterval(-4 * 60)
        events.append(.jobChanged(failed))
        model.apply(contentsOf: events)
        return model
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func gaugesShowTheLastFifteenMinutes(size: Size) {
        var model = Self.busyModel()
        _ = model.handle(.char("3"), keymap: .default)
        _ = model.handle(.char("z"), keymap: .default)
        let canvas = ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme)
        Snapshot.check(canvas, named: "activity-\(size.width)x\(size.height)")
        let text = canvas.lines.joined(separator: "\n")
        #expect(text.contains("done/min"))
        #expect(text.contains("tok/min"))
        // Two jobs finished in the 10-minute window; job 5 still runs. At 0.2 jobs/min it drains in 5 min.
        #expect(model.remainingJobCount == 1)
        if size.width >= 120 { #expect(canvas.lines[0].contains("0.2 jobs/min · drains in 5m00s")) }
    }
}
