import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

/// Every pane at the minimum size and at a large one, rendered from the scripted event stream.
/// The expected text and style masks live in `Snapshots/`; see `Snapshot`.
@Suite struct PaneSnapshotTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 200, height: 60)]

    func render(_ model: inout ConsoleModel, _ size: Size, keymap: Keymap = .default) -> Canvas {
        ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme, keymap: keymap)
    }

    func name(_ base: String, _ size: Size) -> String { "\(base)-\(size.width)x\(size.height)" }

    @Test(arguments: sizes)
    func overview(size: Size) {
        var model = Fixtures.model()
        let canvas = render(&model, size)
        Snapshot.check(canvas, named: name("overview", size))
        // The selected job's row is in the selection style, and the focused pane has the heavy border.
        let row = canvas.lines.firstIndex { $0.contains("◆ P0") }!
        #expect(canvas[3, row].style == Fixtures.probeTheme[.selection])
        #expect(canvas[0, 1].character == "┏")
        #expect(canvas[0, 1].style == Fixtures.probeTheme[.focusedBorder])
    }

    @Test(arguments: PaneID.allCases, sizes)
    func zoomedPane(pane: PaneID, size: Size) {
        var model = Fixtures.model()
        _ = model.handle(.char(Character(String(pane.rawValue))), keymap: .default)
        _ = model.handle(.char("z"), keymap: .default)
        let canvas = render(&model, size)
        Snapshot.check(canvas, named: name("pane-\(pane.title.lowercased())", size))
        #expect(canvas[0, 1].style == Fixtures.probeTheme[.focusedBorder])
    }

    @Test(arguments: sizes)
    func diffViewer(size: Size) {
        var model = Fixtures.model()
        _ = model.handle(.enter, keymap: .default)
        _ = model.handle(.char("n"), keymap: .default)
        _ = model.handle(.char(" "), keymap: .default)
        let canvas = render(&model, size)
        Snapshot.check(canvas, named: name("diff", size))
        #expect(model.diffSideBySide == (size.width >= 160))
        // Lines of the excluded hunk are muted; included ones keep their colours.
        let excluded = canvas.lines.firstIndex { $0.contains("+        while !Task.isCancelled {") }!
        let included = canvas.lines.firstIndex { $0.contains("+Workers now stop on cancellation.") }!
        let x = Array(canvas.lines[included]).firstIndex(of: "+")!  // no wide characters on these rows
        #expect(canvas[x, included].style == Fixtures.probeTheme[.added])
        let ex = Array(canvas.lines[excluded]).firstIndex(of: "+")!
        #expect(canvas[ex, excluded].style == Fixtures.probeTheme[.muted])
    }

    @Test func diffViewerWithLatin1AndGarbage() {
        var model = Fixtures.model()
        _ = model.handle(.char("5"), keymap: .default)
        _ = model.handle(.char("j"), keymap: .default)
        _ = model.handle(.enter, keymap: .default)
        Snapshot.check(render(&model, Fixtures.size80), named: "diff-latin1-80x24")
        model.apply(
            .approvalRequested(
                ApprovalRequest(
                    jobID: Fixtures.id(2), attempt: 3, title: "Fix Latin-1 docs", diff: Fixtures.garbageDiff))
        )
        Snapshot.check(render(&model, Fixtures.size80), named: "diff-garbage-80x24")
    }

    @Test func overlaysAndPrompts() {
        var model = Fixtures.model()
        _ = model.handle(.char("?"), keymap: .default)
        Snapshot.check(render(&model, Fixtures.size80), named: "help-80x24")
        _ = model.handle(.esc, keymap: .default)
        _ = model.handle(.char("4"), keymap: .default)
        _ = model.handle(.enter, keymap: .default)
        Snapshot.check(render(&model, Fixtures.size80), named: "quarantine-record-80x24")
        _ = model.handle(.esc, keymap: .default)
        _ = model.handle(.char("1"), keymap: .default)
        _ = model.handle(.char("/"), keymap: .default)
        for c in "state:await" { _ = model.handle(.char(c), keymap: .default) }
        Snapshot.check(render(&model, Fixtures.size80), named: "filter-prompt-80x24")
        _ = model.handle(.enter, keymap: .default)
        _ = model.handle(.char("r"), keymap: .default)
        Snapshot.check(render(&model, Fixtures.size80), named: "reject-prompt-80x24")
    }

    @Test func readOnlyAndTooSmall() {
        var model = Fixtures.model(readOnly: true)
        _ = model.handle(.char("a"), keymap: .default)
        let canvas = render(&model, Fixtures.size80)
        Snapshot.check(canvas, named: "read-only-80x24")
        #expect(canvas.rowText(0).contains("READ-ONLY"))
        #expect(canvas.rowText(23).contains("read-only: approve is off"))
        let small = render(&model, Size(width: 60, height: 15))
        #expect(small.lines.joined().contains("terminal too small (need 80×24)"))
    }

    @Test func emptyConsoleBeforeSnapshot() {
        var model = ConsoleModel(now: Fixtures.now)
        Snapshot.check(render(&model, Fixtures.size80), named: "waiting-80x24")
    }

    @Test func renderIsVirtualizedForManyJobs() {
        var model = ConsoleModel(now: Fixtures.now)
        let jobs = (1...10_000).map { Fixtures.job($0, "job number \($0)", state: .running, stage: .review) }
        model.apply(.snapshot(EngineSnapshot(jobs: jobs)))
        _ = model.handle(.char("G"), keymap: .default)
        let canvas = render(&model, Size(width: 200, height: 60))
        #expect(canvas.lines.contains { $0.contains("job number 10000") })
        #expect(model.scrollOffsets[.jobs]! > 9_900)
    }
}

extension Fixtures {
    static let size80 = Size(width: 80, height: 24)
}

/// A job whose model call waits for a rate limit or streams: the job's row, the beads pane's
/// live line and the gauges pane say so, and the next stage report clears it.
@Suite struct ModelActivityViewTests {
    func render(_ model: inout ConsoleModel) -> Canvas {
        ConsoleView.render(
            &model, size: Size(width: 200, height: 60), theme: Fixtures.probeTheme, keymap: .default)
    }

    @Test func rateLimitWaitAndStreamingShowLive() throws {
        var model = Fixtures.model()
        let job = try #require(model.selectedJobID)
        var gauges = Fixtures.gauges
        gauges.models = [
            ModelGauge(model: "litellm:limited", requestsPerMinuteLimit: 10, resumesInSeconds: 42)
        ]
        model.apply(.gauges(gauges))
        model.apply(
            .modelActivity(
                ModelActivity(
                    jobID: job, stage: .analyze, model: "litellm:limited",
                    kind: .waiting(until: model.now.addingTimeInterval(42), reason: "HTTP 429"))))
        var text = render(&model).lines.joined(separator: "\n")
        #expect(text.contains("rate limited · resumes in 42 s"))
        #expect(text.contains("litellm:limited rate limited (HTTP 429) · resumes in 42 s"))
        model.apply(
            .modelActivity(
                ModelActivity(
                    jobID: job, stage: .analyze, model: "litellm:slow",
                    kind: .streaming(tokens: 312, tokensPerSecond: 41.2))))
        text = render(&model).lines.joined(separator: "\n")
        #expect(text.contains("litellm:slow streaming · 312 tokens · 41 tokens/s"))
        model.apply(.stageProgress(StageProgress(jobID: job, stage: .analyze, attempt: 1, status: .finished)))
        #expect(model.modelActivity[job] == nil)
        #expect(!render(&model).lines.joined().contains("streaming ·"))
    }
}

/// The gauges pane shows the disk used under `.pilothouse/` once the engine has measured it.
@Suite struct DiskGaugeTests {
    @Test func diskUsedShowsOnceMeasured() {
        var model = Fixtures.model()
        func text(_ model: inout ConsoleModel) -> String {
            ConsoleView.render(
                &model, size: Size(width: 200, height: 60), theme: Fixtures.probeTheme, keymap: .default
            )
            .lines.joined(separator: "\n")
        }
        var gauges = Fixtures.gauges
        model.apply(.gauges(gauges))
        #expect(!text(&model).contains("disk "))
        gauges.diskUsedBytes = 3 * 1_048_576 + 200_000
        model.apply(.gauges(gauges))
        #expect(text(&model).contains("queue 4  in flight 2  disk 3.2M"))
        gauges.diskUsedBytes = 12 * 1_073_741_824
        model.apply(.gauges(gauges))
        #expect(text(&model).contains("disk 12G"))
    }
}

/// The gauges pane names webhook deliveries that failed and wait for their retry.
@Suite struct WebhookGaugeTests {
    @Test func failingWebhooksShowOnlyWhenThereAreSome() {
        var model = Fixtures.model()
        func text(_ model: inout ConsoleModel) -> String {
            ConsoleView.render(
                &model, size: Size(width: 200, height: 60), theme: Fixtures.probeTheme, keymap: .default
            )
            .lines.joined(separator: "\n")
        }
        var gauges = Fixtures.gauges
        for quiet in [nil, 0] {
            gauges.webhooksFailing = quiet
            model.apply(.gauges(gauges))
            #expect(!text(&model).contains("webhooks"))
        }
        gauges.webhooksFailing = 3
        model.apply(.gauges(gauges))
        #expect(text(&model).contains("queue 4  in flight 2  webhooks failing 3"))
    }
}
