import Foundation
import PilothouseCore

/// The job queue: one row per job with its state, priority, title, pipeline progress, attempts
/// and cost. Columns drop out from the right of the title as the pane narrows, most dispensable
/// first (id, cost), so the title always keeps a useful width.
enum JobsPane {
    static func render(
        _ model: ConsoleModel, into canvas: inout Canvas, rect: Rect, theme: Theme, focused: Bool,
        top previousTop: Int
    ) -> Int {
        let total = model.jobs.count
        let shown = model.visibleJobIDs.count
        var title = "Jobs \(shown == total ? "\(total)" : "\(shown)/\(total)")"
        if model.sort != .priority { title += " by \(model.sort.rawValue)" }
        var note = model.filterText.isEmpty ? "" : "/\(model.filterText)"
        if !model.marks.isEmpty { note = "\(model.marks.count) marked" + (note.isEmpty ? "" : " · " + note) }
        let inner = PaneFrame.draw(
            &canvas, rect, pane: .jobs, title: title, focused: focused, theme: theme, note: note,
            noteRole: model.marks.isEmpty ? .muted : .accent)
        guard inner.height > 0, inner.width > 0 else { return 0 }
        if model.visibleJobIDs.isEmpty {
            PaneFrame.empty(
                &canvas, inner,
                model.jobs.isEmpty
                    ? (model.hasSnapshot
                        ? "no jobs yet: pilothouse enqueue or import a plan" : "waiting for the engine…")
                    : "no job matches the filter (esc clears it)", theme: theme)
            return 0
        }
        let top = ListWindow.top(
            selected: model.selectedJobIndex, previousTop: previousTop, height: inner.height,
            count: model.visibleJobIDs.count)
        let columns = Columns(width: inner.width)
        let end = min(model.visibleJobIDs.count, top + inner.height)
        for index in top..<end {
            guard let job = model.jobs[model.visibleJobIDs[index]] else { continue }
            let row = inner.row(index - top)
            drawRow(job, model: model, columns: columns, row: row, into: &canvas, theme: theme)
            if index == model.selectedJobIndex {
                PaneFrame.highlight(&canvas, row: row, focused: focused, theme: theme)
            }
        }
        return top
    }

    struct Columns {
        var showID: Bool
        var showCost: Bool
        var stageWidth: Int
        var titleWidth: Int

        init(width: Int) {
            showID = width >= 90
            showCost = width >= 60
            stageWidth = width >= 40 ? 9 : 0
            // mark+icon+space, priority+space, [id+space], title, space, bar(5)[+space+stage], space, attempts(3)[, space, cost(7)]
            var fixed = 3 + 3 + 1 + 5 + 1 + 3
            if showID { fixed += 9 }
            if stageWidth > 0 { fixed += 1 + stageWidth }
            if showCost { fixed += 8 }
            titleWidth = max(4, width - fixed)
        }
    }

    static func drawRow(
        _ job: Job, model: ConsoleModel, columns: Columns, row: Rect, into canvas: inout Canvas, theme: Theme
    ) {
        let y = row.y
        var x = row.x
        if model.marks.contains(job.id) {
            canvas.put("*", x: x, y: y, style: theme[.accent], clip: row)
        }
        x += 1
        let (icon, role) = stateIcon(job.state)
        canvas.put(icon, x: x, y: y, style: theme[role], clip: row)
        x += 2
        canvas.put(
            job.priority.description, x: x, y: y, style: theme[job.priority == .p0 ? .warn : .muted],
            clip: row)
        x += 3
        if columns.showID {
            canvas.put(job.id.short, x: x, y: y, style: theme[.muted], clip: row)
            x += 9
        }
        canvas.put(Format.fit(job.title, columns.titleWidth), x: x, y: y, style: theme[.normal], clip: row)
        x += columns.titleWidth + 1
        let (filled, label, failed) = progress(job, model: model)
        canvas.put(
            String(repeating: "▰", count: filled), x: x, y: y, style: theme[failed ? .error : .gaugeFill],
            clip: row)
        canvas.put(
            String(repeating: "▱", count: 5 - filled), x: x + filled, y: y, style: theme[.gaugeEmpty],
            clip: row)
        x += 5
        if columns.stageWidth > 0 {
            canvas.put(
                Format.fit(label, columns.stageWidth), x: x + 1, y: y, style: theme[failed ? .error : .muted],
                clip: row)
            x += 1 + columns.stageWidth
        }
        let attempts = "\(job.attempts)/\(job.maxAttempts)"
        canvas.put(
            Format.right(attempts, 3), x: x + 1, y: y,
            style: theme[job.attempts >= job.maxAttempts && job.maxAttempts > 1 ? .warn : .muted], clip: row)
        x += 4
        if columns.showCost {
            let cost = model.jobCost[job.id].map(Format.money) ?? ""
            canvas.put(Format.right(cost, 7), x: x + 1, y: y, style: theme[.muted], clip: row)
        }
    }

    /// Filled cells of the five-cell pipeline bar, the label beside it, and whether it failed.
    static func progress(_ job: Job, model: ConsoleModel) -> (Int, String, Bool) {
        let pipeline = StageName.defaultPipeline
        let failed = job.state == .failed || job.state == .quarantined
        let stageLabel = job.currentStage?.rawValue
        let position: Int
        if job.state == .merged {
            return (5, "merged", false)
        } else if let stage = job.currentStage, let index = pipeline.firstIndex(of: stage) {
            position = index + 1
        } else if let results = model.stages[job.id] {
            // A custom template: count what finished.
            position = results.values.filter { $0.status == .finished || $0.status == .skipped }.count
        } else {
            position = 0
        }
        let filled = min(5, max(0, (position * 5 + pipeline.count / 2) / pipeline.count))
        let label: String
        switch job.state {
        case .awaitingApproval: label = stageLabel ?? "approve"
        case .running, .merging:
            label = model.modelActivity[job.id]?.label(now: model.now) ?? stageLabel ?? job.state.rawValue
        case .failed: label = stageLabel.map { "✗ \($0)" } ?? "failed"
        default: label = job.state.rawValue
        }
        return (filled, label, failed)
    }

    /// One single-width glyph per state; shape differs as well as colour, for monochrome terminals.
    static func stateIcon(_ state: JobState) -> (String, ThemeRole) {
        switch state {
        case .queued: ("○", .muted)
        case .running: ("▶", .accent)
        case .awaitingApproval: ("◆", .warn)
        case .merging: ("»", .accent)
        case .merged: ("✓", .ok)
        // Finished without merging (a pipeline with no merge stage): done, but not in git.
        case .completed: ("□", .ok)
        case .needsRebase: ("↻", .warn)
        case .rejected: ("✗", .muted)
        case .failed: ("✗", .error)
        case .cancelled: ("-", .muted)
        case .quarantined: ("▲", .error)
        case .paused: ("‖", .warn)
        case .budgetHold: ("$", .warn)
        }
    }
}
