import PilothouseCore

/// Lays out the whole screen and renders the model into one `Canvas`.
///
/// 80×24 gets a header row, jobs with approvals and quarantine under them on the left, gauges
/// and beads on the right, and a status row; wider screens give the jobs list and beads more
/// room and put approvals and quarantine side by side. Rendering writes back each list's scroll
/// offset and page size, which is the only state it changes.
public enum ConsoleView {
    public static func render(
        _ model: inout ConsoleModel, size: Size, theme: Theme, keymap: Keymap = .default
    ) -> Canvas {
        var canvas = Canvas(size: size, fill: Cell(" ", style: theme[.normal]))
        if Layout.isTooSmall(size) {
            TooSmallView().render(into: &canvas, style: theme[.warn], detailStyle: theme[.muted])
            return canvas
        }
        let rows = Layout.rows(canvas.bounds, [.fixed(1), .fill(), .fixed(1)])
        HeaderBar.render(model, theme: theme, themeName: theme.name, into: &canvas, row: rows[0])
        let main = rows[1]
        if let diff = model.diff {
            model.diffSideBySide = size.width >= DiffView.sideBySideMinimumWidth
            model.diffPageSize = DiffView.render(
                diff, request: model.approval(for: diff.jobID), model: model, into: &canvas, rect: main,
                theme: theme,
                sideBySide: model.diffSideBySide)
        } else {
            for (pane, rect) in paneRects(model, main: main) {
                let focused = pane == model.focus
                let previous = model.scrollOffsets[pane] ?? 0
                let top: Int
                switch pane {
                case .jobs:
                    top = JobsPane.render(
                        model, into: &canvas, rect: rect, theme: theme, focused: focused, top: previous)
                case .beads:
                    top = BeadsPane.render(
                        model, into: &canvas, rect: rect, theme: theme, focused: focused, top: previous)
                case .gauges:
                    top = GaugesPane.render(
                        model, into: &canvas, rect: rect, theme: theme, focused: focused, top: previous)
                case .quarantine:
                    top = QuarantinePane.render(
                        model, into: &canvas, rect: rect, theme: theme, focused: focused, top: previous)
                case .approvals:
                    top = ApprovalsPane.render(
                        model, into: &canvas, rect: rect, theme: theme, focused: focused, top: previous)
                }
                model.scrollOffsets[pane] = top
                model.pageSizes[pane] = max(1, rect.height - 2)
            }
        }
        switch model.overlay {
        case .help(let top):
            let shown = HelpOverlay.render(
                keymap: keymap, readOnly: model.readOnly, top: top, into: &canvas, area: main, theme: theme)
            model.overlay = .help(top: shown)
        case .quarantineRecord(let id, let top):
            if let record = model.quarantine.first(where: { $0.id == id }) {
                let shown = QuarantineRecordOverlay.render(
                    record, model: model, top: top, into: &canvas, area: main, theme: theme)
                model.overlay = .quarantineRecord(id, top: shown)
            }
        case .job(let id, let top):
            if let job = model.jobs[id] {
                let shown = JobView.render(
                    job, model: model, top: top, into: &canvas, area: main, theme: theme)
                model.overlay = .job(id, top: shown)
            }
        case nil:
            break
        }
        if let question = model.prompt?.question {
            PromptQuestion.render(question, theme: theme, into: &canvas, above: rows[2])
        }
        StatusBar.render(model, theme: theme, into: &canvas, row: rows[2])
        return canvas
    }

    /// Where each pane goes in `main`; a zoomed pane takes all of it.
    static func paneRects(_ model: ConsoleModel, main: Rect) -> [(PaneID, Rect)] {
        if model.zoomed { return [(model.focus, main)] }
        if main.width < 120 {
            let columns = Layout.columns(main, [.fill(3), .fill(2)])
            let left = Layout.rows(columns[0], [.fill(), .percent(26), .percent(26)])
            let gaugesHeight = min(
                GaugesPane.preferredHeight(model, width: columns[1].width), main.height * 11 / 20)
            let right = Layout.rows(columns[1], [.fixed(gaugesHeight), .fill()])
            return [
                (.jobs, left[0]), (.approvals, left[1]), (.quarantine, left[2]), (.gauges, right[0]),
                (.beads, right[1]),
            ]
        }
        let columns = Layout.columns(main, [.percent(58), .fill()])
        let left = Layout.rows(columns[0], [.fill(), .fixed(min(16, main.height / 3))])
        let bottom = Layout.columns(left[1], [.fill(), .fill()])
        let gaugesHeight = min(GaugesPane.preferredHeight(model, width: columns[1].width), main.height / 2)
        let right = Layout.rows(columns[1], [.fixed(gaugesHeight), .fill()])
        return [
            (.jobs, left[0]), (.approvals, bottom[0]), (.quarantine, bottom[1]), (.gauges, right[0]),
            (.beads, right[1]),
        ]
    }
}
