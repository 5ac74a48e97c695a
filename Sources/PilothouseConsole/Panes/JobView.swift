import Foundation
import PilothouseCore

/// The job view (`enter` on a job with no patch waiting): a bar per stage on one time axis with
/// duration, tries, failures, watchdog warnings, cost and tokens; the waits; and every model
/// call with its tokens and cost, built from the job's beads (`JobTimeline`); then the redacted
/// transcript of every model call and CLI agent run, which the console asked the engine for
/// when the view opened (`JobDetailState`), searchable with `/` and `n`/`N`.
enum JobView {
    /// One line of the view, drawn as segments of text in theme roles.
    typealias Line = [(String, ThemeRole)]

    /// Returns the first row shown (`top` clamped), which the view writes back so scrolling up
    /// from past the end moves at once.
    @discardableResult
    static func render(
        _ job: Job, model: ConsoleModel, top: Int, into canvas: inout Canvas, area: Rect, theme: Theme
    ) -> Int {
        let rect = area
        let timeline = JobTimeline(beads: model.beadsByJob[job.id] ?? [])
        let note =
            "\(job.state.rawValue) · try \(job.attempts)/\(job.maxAttempts) · \(Format.money(timeline.cost))"
        let inner = PaneFrame.draw(
            &canvas, rect, pane: nil, title: "Job \(job.id.short) \(job.title)", focused: true, theme: theme,
            note: note)
        guard inner.height > 0, inner.width > 20 else { return top }
        let detail = model.jobDetail?.jobID == job.id ? model.jobDetail : nil
        var head = self.lines(job, timeline: timeline, model: model, width: inner.width - 2)
        head.append([])
        head.append(transcriptHeading(detail))
        let document = detail?.document
        let total = head.count + (document?.lines.count ?? 0)
        let start = min(max(0, top), max(0, total - inner.height))
        for row in 0..<min(inner.height, total - start) {
            let index = start + row
            let y = inner.y + row
            if index < head.count {
                var x = inner.x + 1
                for (text, role) in head[index] {
                    x = canvas.put(text, x: x, y: y, style: theme[role], clip: inner, overflow: .ellipsis)
                }
            } else if let document {
                drawTranscriptLine(
                    index - head.count, of: document, search: detail?.search, y: y, inner: inner,
                    into: &canvas, theme: theme)
            }
        }
        return start
    }

    /// The row the transcript's first line is on: the timeline's rows, a blank and the heading.
    /// The row count does not depend on the width, so the model can scroll to a match.
    static func transcriptStart(_ job: Job, model: ConsoleModel) -> Int {
        lines(job, timeline: JobTimeline(beads: model.beadsByJob[job.id] ?? []), model: model, width: 80)
            .count
            + 2
    }

    private static func transcriptHeading(_ detail: JobDetailState?) -> Line {
        switch detail?.load {
        case .loaded(_, let document, _)?:
            guard document.entryCount > 0 else {
                return [
                    ("transcript", .title),
                    (
                        " · none recorded (model calls are kept with [gateway] transcripts = true; CLI agents' output always)",
                        .muted
                    ),
                ]
            }
            var line: Line = [
                ("transcript \(document.entryCount)", .title), (" · redacted · / search", .muted),
            ]
            if let search = detail?.search {
                if search.matches.isEmpty {
                    line.append(("  no match for '\(search.query)'", .warn))
                } else {
                    let count = "\(search.matches.count)\(search.truncated ? "+" : "")"
                    line.append(("  '\(search.query)' \(search.current + 1)/\(count) · n/N", .accent))
                }
            }
            return line
        case .failed(let message)?:
            return [("transcript", .title), ("  " + message, .error)]
        case .loading?, nil:
            return [("transcript", .title), (" · loading…", .muted)]
        }
    }

    /// One transcript row, its matches in the selection style. The current match's row is
    /// marked in the gutter and, when the match lies past the right edge, shown from a little
    /// before it (with `…` for what was skipped) so the operator always sees what `n` found.
    private static func drawTranscriptLine(
        _ index: Int, of document: TranscriptDocument, search: TranscriptSearch?, y: Int, inner: Rect,
        into canvas: inout Canvas, theme: Theme
    ) {
        let line = document.lines[index]
        let matches = search?.matches(onLine: index) ?? []
        guard !matches.isEmpty else {
            canvas.put(
                line.text, x: inner.x + 1, y: y, style: theme[line.role], clip: inner, overflow: .ellipsis)
            return
        }
        let current = search?.currentMatch
        let isCurrentLine = current?.line == index
        if isCurrentLine { canvas.put("▶", x: inner.x, y: y, style: theme[.accent], clip: inner) }
        let bytes = Array(line.text.utf8)
        var pieces: [(String, ThemeRole)] = []
        var offset = 0
        for match in matches {
            pieces.append((String(decoding: bytes[offset..<match.start], as: UTF8.self), line.role))
            pieces.append(
                (String(decoding: bytes[match.start..<match.start + match.length], as: UTF8.self), .selection)
            )
            offset = match.start + match.length
        }
        pieces.append((String(decoding: bytes[offset...], as: UTF8.self), line.role))
        var x = inner.x + 1
        if isCurrentLine, let current {
            let before = String(decoding: bytes[..<current.start], as: UTF8.self)
            let width = inner.width - 2
            let shown = TextWidth.of(before) + TextWidth.of(search?.query ?? "")
            if shown > width - 2 {
                x -= TextWidth.of(before) - width / 3
                canvas.put(
                    String(TextWidth.ellipsis), x: inner.x + 1, y: y, style: theme[.muted], clip: inner)
            }
        }
        let clip = Rect(
            x: x < inner.x + 1 ? inner.x + 2 : inner.x + 1, y: inner.y,
            width: inner.width - (x < inner.x + 1 ? 2 : 1),
            height: inner.height)
        for (text, role) in pieces {
            x = canvas.put(text, x: x, y: y, style: theme[role], clip: clip, overflow: .ellipsis)
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
