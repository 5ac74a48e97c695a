import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

/// The approvals pane's merge queue: positions in queue order, the batch under test and how long
/// its test has run, from the gauges the engine publishes.
@Suite struct MergeQueueViewTests {
    func queueStatus(testing: Bool) -> MergeQueueStatus {
        let titles = ["Fix the parser", "Speed up \u{1B}]0;evil\u{07}search", "Rename greet"]
        return MergeQueueStatus(
            entries: titles.enumerated().map { index, title in
                MergeQueueStatus.Entry(
                    jobID: JobID(), title: title, priority: index == 0 ? .p1 : .p2,
                    approvedAt: Fixtures.now.addingTimeInterval(Double(index - 60)),
                    testing: testing && index < 2)
            }, batchSize: 4, testingSince: testing ? Fixtures.now.addingTimeInterval(-12) : nil,
            candidateTree: testing ? "0123456789abcdef0123456789abcdef01234567" : nil)
    }

    func render(_ status: MergeQueueStatus, size: Size = Size(width: 200, height: 60)) -> [String] {
        var model = Fixtures.model()
        model.apply(contentsOf: [.gauges(Gauges(mergeQueue: status))])
        _ = model.handle(.char(Character(String(PaneID.approvals.rawValue))), keymap: .default)
        _ = model.handle(.char("z"), keymap: .default)
        return ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme).lines
    }

    @Test func showsPositionsTheBatchUnderTestAndItsProgress() throws {
        let status = queueStatus(testing: true)
        let lines = render(status)
        #expect(lines.contains { $0.contains("Approvals") && $0.contains("merge queue 3") })
        #expect(
            lines.contains { $0.contains("merge queue") && $0.contains("testing 2/4 on 01234567 · 12 s") })
        let first = try #require(lines.firstIndex { $0.contains("Fix the parser") })
        let third = try #require(lines.firstIndex { $0.contains("Rename greet") })
        #expect(first < third)
        #expect(lines[first].contains("1 ▶ testing P1 \(status.entries[0].jobID.short)"))
        #expect(lines[third].contains("3   waiting P2"))
        // A title cannot drive the terminal: no escape byte reaches the grid.
        #expect(!lines.joined().contains("\u{1B}"))
    }

    @Test func anIdleQueueShowsItsBatchSizeAndAnEmptyOneNothing() {
        #expect(render(queueStatus(testing: false)).contains { $0.contains("merge queue batch size 4") })
        let empty = render(MergeQueueStatus())
        #expect(!empty.contains { $0.contains("merge queue") })
    }

    @Test func aQueueLongerThanThePaneSaysHowManyMoreWait() {
        var status = queueStatus(testing: false)
        for index in 0..<40 {
            status.entries.append(
                MergeQueueStatus.Entry(
                    jobID: JobID(), title: "job \(index)", priority: .p3, approvedAt: Fixtures.now,
                    testing: false))
        }
        let lines = render(status, size: Size(width: 80, height: 24))
        #expect(lines.contains { $0.contains("more") })
    }
}
