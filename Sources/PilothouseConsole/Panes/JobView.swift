import Foundation
import PilothouseCore

/// The job view (`enter` on a job with no patch waiting): a bar per stage on one time axis with
/// duration, tries, failures, watchdog warnings, cost and tokens; the waits; and every model
/// call with its tokens and cost. Built from the job's beads (`JobTimeline`).
enum JobView {
    /// One line of the view, drawn as segments of text in theme roles.
    typealias Line = [(String, ThemeRole)]

    static func render(
        _ job: Job, model: ConsoleModel, top: Int, into canvas: inout Canvas, area: Rect, theme: Theme
    ) {
        let rect = area
        let timeline = JobTimeline(beads: model.beadsByJob[job.id] ?? [])
        let note =
            "\(job.state.rawValue) · try \(job.attempts)/\(job.maxAttempts) · \(Format.money(timeline.cost))"
        let inner = PaneFrame.draw(
            &canvas, rect, pane: nil, title: "Job \(job.id.short) \(job.title)", focused: true, theme: theme,
            note: note)
        guard inner.height > 0, inner.width > 20 else { return }
        let lines = self.lines(job, timeline: timeline, model: model, width: inner.width - 2)
        let start = min(max(0, top), max(0, lines.count - inner.height))
        for (i, line) in lines.dropFirst(start).prefix(inner.height).enumerated() {
            var x = inner.x + 1
            for (text, role) in line {
                x = canvas.put(
                    text, x: x, y: inner.y + i, style: theme[role], clip: inner, overflow: .ellipsis)
            }
        }
    }

    static let stageWidth = 10
    /// duration, tries, cost, tokens, notes
    static let columnsWidth = 9 + 7 + 8 + 7

    static func lines(_ job: Job, timeline: JobTimeline, model: ConsoleModel, width: Int) -> [Line] {
        var lines: [Line] = []
        guard let start = timeline.start else {
            return [[("no beads for this job yet: it has not started", .muted)]]
        }
        let running = job.state == .running || job.state == .merging
        let end = running ? max(model.now, timeline.end ?? start) : (timeline.end ?? start)
        let span = max(0.001, end.timeIntervalSince(start))
        let barWidth = max(8, width - stageWidth - columnsWidth - 10)
        lines.append([
            (Format.fit("stage", stageWidth), .title),
            (Format.fit("0 … \(Format.duration(milliseconds: Int64(span * 1000)))", barWidth + 1), .title),
            (Format.right("took", 8), .title), (Format.right("tries", 6), .title),
            (Format.right("cost", 8), .title),
            (Format.right("tokens", 7), .title),
        ])
        for stage in timeline.stages {
            let stageEnd = stage.ended ?? end
            let from = Int((stage.started.timeIntervalSince(start) / span * Double(barWidth)).rounded(.down))
            let to = max(
                from + 1, Int((stageEnd.timeIntervalSince(start) / span * Double(barWidth)).rounded(.up)))
            let bar =
                String(repeating: " ", count: min(from, barWidth))
                + String(repeating: "█", count: max(1, min(to, barWidth) - min(from, barWidth - 1)))
            let failed = !stage.failures.isEmpty && stage.ended != nil && stage.failures.count >= stage.tries
            var line: Line = [
                (Format.fit(stage.stage.rawValue, stageWidth), .normal),
                (Format.fit(bar, barWidth + 1), failed ? .error : stage.ended == nil ? .accent : .gaugeFill),
                (
                    Format.right(
                        Format.duration(
                            milliseconds: Int64(stageEnd.timeIntervalSince(stage.started) * 1000)), 8),
                    .normal
                ),
                (Format.right("\(stage.tries)", 6), stage.tries > 1 ? .warn : .muted),
                (Format.right(stage.calls > 0 ? Format.money(stage.cost) : "–", 8), .muted),
                (Format.right(stage.tokens > 0 ? Format.compact(stage.tokens) : "–", 7), .muted),
            ]
            if stage.slowWarnings > 0 { line.append(("  ⚠ slow ×\(stage.slowWarnings)", .warn)) }
            if !stage.failures.isEmpty { line.append(("  ✗ \(stage.failures.count)", .error)) }
            if stage.ended == nil && running { line.append(("  running", .accent)) }
            lines.append(line)
        }
        for stage in timeline.stages {
            for failure in stage.failures {
                lines.append([("✗ \(stage.stage.rawValue): ", .error), (failure, .normal)])
            }
        }
        if !timeline.waits.isEmpty {
            lines.append([])
            lines.append([("waits", .title)])
            for wait in timeline.waits {
                lines.append([
                    (Format.age(from: wait.at, to: model.now) + " ago  ", .muted), (wait.text, .warn),
                ])
            }
        }
        lines.append([])
        lines.append([
            ("model calls \(timeline.calls.count)", .title),
            (" · \(Format.compact(timeline.tokens)) tokens · \(Format.money(timeline.cost))", .muted),
        ])
        for call in timeline.calls {
            lines.append([
                (Format.fit(call.stage?.rawValue ?? "-", stageWidth), .muted),
                (Format.fit(call.model, 28) + " ", .normal),
                ("\(Format.compact(call.tokensIn)) in  \(Format.compact(call.tokensOut)) out  ", .muted),
                (Format.money(call.cost), .normal),
            ])
        }
        if timeline.calls.isEmpty { lines.append([("none yet", .muted)]) }
        return lines
    }
}
