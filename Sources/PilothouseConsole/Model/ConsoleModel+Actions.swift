import Foundation
import PilothouseCore

/// Keys and actions: how the operator changes the model, and which commands reach the engine.
///
/// Everything here returns effects instead of performing them, so a test can press keys and
/// compare the commands that would be sent, with no terminal and no engine.
extension ConsoleModel {
    /// Routes a key: an open confirmation or prompt takes it first, then the keymap decides.
    public mutating func handle(_ key: Key, keymap: Keymap) -> [ConsoleEffect] {
        if let confirmation {
            self.confirmation = nil
            if key == .char("y") || key == .char("Y") {
                return confirmation.effects
            }
            status = StatusMessage("cancelled")
            return []
        }
        if prompt != nil { return handlePromptKey(key) }
        guard let action = keymap.action(for: key, inDiff: diff != nil && overlay == nil) else {
            if case .char = key {
                status = StatusMessage("'\(KeyName.name(of: key))' does nothing here; ? for help")
            }
            return []
        }
        return perform(action)
    }

    /// Does what `action` means in the current context (overlay, diff viewer, focused pane).
    public mutating func perform(_ action: ConsoleAction) -> [ConsoleEffect] {
        if action.isMutating && readOnly {
            status = StatusMessage(
                "read-only: \(action.rawValue) is off (attached with --read-only)", tone: .error)
            return []
        }
        if let overlay, let handled = performInOverlay(overlay, action) { return handled }
        if diff != nil, let handled = performInDiff(action) { return handled }
        switch action {
        case .nextPane: focus(focus.next)
        case .previousPane: focus(focus.previous)
        case .focusJobs: focus(.jobs)
        case .focusBeads: focus(.beads)
        case .focusGauges: focus(.gauges)
        case .focusQuarantine: focus(.quarantine)
        case .focusApprovals: focus(.approvals)
        case .down: moveSelection(by: 1)
        case .up: moveSelection(by: -1)
        case .pageDown: moveSelection(by: max(1, pageSizes[focus] ?? 10))
        case .pageUp: moveSelection(by: -max(1, pageSizes[focus] ?? 10))
        case .top: moveSelection(to: 0)
        case .bottom: moveSelection(to: .max)
        case .open: return open()
        case .back: back()
        case .filter: prompt = Prompt(purpose: .filter, text: filterText)
        case .command: prompt = Prompt(purpose: .command)
        case .mark: toggleMark()
        case .sort:
            setSort(sort.next)
            status = StatusMessage("jobs sorted by \(sort.rawValue)")
        case .nextHunk, .previousHunk, .comment, .markRange, .scrollLeft, .scrollRight, .wrap:
            status = StatusMessage("open an approval's diff (enter) first")
        case .editPatch: return editWaitingPatch()
        case .approve: return approve()
        case .reject: askRejectReason()
        case .retry: return retry()
        case .cancel: askCancel()
        case .pause: return pauseOrResume()
        case .pauseEngine:
            let command: OperatorCommand = engineState == .paused ? .resumeEngine : .pauseEngine
            return send([command])
        case .drop: askDrop()
        case .release: return release()
        case .zoom:
            zoomed.toggle()
            status = StatusMessage(zoomed ? "\(focus.title) zoomed; z to restore" : "layout restored")
        case .nextTheme: return [.nextTheme]
        case .redraw: return [.redraw]
        case .help: overlay = .help(top: 0)
        case .quit: return quit()
        }
        return []
    }

    // MARK: Overlays and the diff viewer

    private mutating func performInOverlay(_ current: Overlay, _ action: ConsoleAction) -> [ConsoleEffect]? {
        if let top = current.top(after: action) {
            overlay = current.scrolled(to: top)
            return []
        }
        switch (current, action) {
        case (.job(let id, _), .filter):
            prompt = Prompt(purpose: .transcriptSearch(id))
            return []
        case (.job(let id, _), .nextHunk), (.job(let id, _), .previousHunk):
            stepMatch(in: id, by: action == .nextHunk ? 1 : -1)
            return []
        case (_, .back), (_, .open), (.help, .help), (.help, .quit):
            overlay = nil
            return []
        case (.job, .retry), (.job, .cancel), (.job, .pause),
            (.quarantineRecord, .retry), (.quarantineRecord, .release), (.quarantineRecord, .drop):
            return nil  // act on the job or record shown (it is the selection)
        default:
            overlay = nil
            return nil
        }
    }

    /// Actions the diff viewer gives its own meaning; nil lets the rest fall through (closing
    /// the diff first when the action is about another pane).
    private mutating func performInDiff(_ action: ConsoleAction) -> [ConsoleEffect]? {
        guard var view = diff else { return nil }
        defer { if diff != nil { diff = view } }
        let side = diffSideBySide
        switch action {
        case .down: view.moveCursor(by: 1, height: diffPageSize, sideBySide: side)
        case .up: view.moveCursor(by: -1, height: diffPageSize, sideBySide: side)
        case .pageDown:
            view.scroll(by: max(1, diffPageSize - 1), sideBySide: side)
            view.keepCursorVisible(height: diffPageSize, sideBySide: side)
        case .pageUp:
            view.scroll(by: -max(1, diffPageSize - 1), sideBySide: side)
            view.keepCursorVisible(height: diffPageSize, sideBySide: side)
        case .top:
            view.scroll(by: -view.rows.count, sideBySide: side)
            view.keepCursorVisible(height: diffPageSize, sideBySide: side)
        case .bottom:
            view.scrollToEnd(height: diffPageSize, sideBySide: side)
            view.cursor = view.rows.count - 1
        case .scrollLeft, .scrollRight:
            if view.wraps {
                status = StatusMessage("lines wrap; w to scroll them sideways instead")
            } else {
                view.scrollColumns(by: action == .scrollLeft ? -8 : 8)
                status = StatusMessage(
                    view.leftColumn == 0 ? "first column" : "from column \(view.leftColumn + 1)")
            }
        case .wrap:
            view.wraps.toggle()
            view.leftColumn = 0
            status = StatusMessage(view.wraps ? "long lines wrap" : "long lines scroll sideways (h/l)")
        case .markRange:
            if view.rangeAnchor == nil {
                view.rangeAnchor = view.cursor
                status = StatusMessage("range started; move and press c to comment on it, v again clears")
            } else {
                view.rangeAnchor = nil
                status = StatusMessage("range cleared")
            }
        case .comment:
            diff = view
            askComment(view)
            view = diff ?? view
        case .editPatch:
            diff = view
            return editWaitingPatch()
        case .nextHunk:
            guard view.hunkCount > 0 else { status = StatusMessage("this patch has no hunks"); return [] }
            if view.currentHunk + 1 < view.hunkCount {
                view.jumpToHunk(view.currentHunk + 1)
                view.cursor = view.hunkRows[view.currentHunk] + 1
            } else {
                status = StatusMessage("last hunk")
            }
        case .previousHunk:
            guard view.hunkCount > 0 else { status = StatusMessage("this patch has no hunks"); return [] }
            if view.currentHunk > 0 {
                view.jumpToHunk(view.currentHunk - 1)
                view.cursor = view.hunkRows[view.currentHunk] + 1
            } else {
                view.jumpToHunk(0)
                status = StatusMessage("first hunk")
            }
        case .mark:
            guard let included = view.toggleCurrentHunk() else {
                status = StatusMessage("no hunk to exclude here")
                return []
            }
            let kept = view.includedHunks.count
            status = StatusMessage(
                "hunk \(view.currentHunk + 1) \(included ? "included" : "excluded"); "
                    + "a approves \(kept) of \(view.hunkCount) hunk\(view.hunkCount == 1 ? "" : "s")")
        case .approve:
            diff = view
            return approveDiff(view)
        case .reject:
            diff = view
            prompt = Prompt(purpose: .rejectReason([view.jobID]))
        case .back, .open:
            diff = nil
            status = StatusMessage("diff closed")
        case .zoom, .sort, .filter:
            status = StatusMessage("esc closes the diff first")
        default:
            // Pane navigation and job actions close the diff and then act normally.
            if [
                .nextPane, .previousPane, .focusJobs, .focusBeads, .focusGauges, .focusQuarantine,
                .focusApprovals,
            ]
            .contains(action) {
                diff = nil
            }
            return nil
        }
        return []
    }

    /// Opens the comment prompt for the cursor's line or the marked range, with the comment
    /// already there (to edit it; an empty answer removes it).
    private mutating func askComment(_ view: DiffViewState) {
        guard let rows = view.commentRows else {
            status = StatusMessage(
                view.rangeAnchor == nil
                    ? "comments go on a line of the patch; move to one (j/k)"
                    : "a range must stay inside one file's lines; v clears it", tone: .error)
            return
        }
        let existing = reviewDrafts[view.jobID]?.comments[rows.upperBound]?.comment ?? ""
        prompt = Prompt(purpose: .lineComment(view.jobID, rows: rows), text: existing)
    }

    /// `e`: the waiting patch of the open diff, or of the selected job, goes to the editor.
    private mutating func editWaitingPatch() -> [ConsoleEffect] {
        let id = diff?.jobID ?? approvalTargets().first
        guard let id, let request = approval(for: id) else {
            status = StatusMessage("e edits a patch that waits for approval; select one", tone: .error)
            return []
        }
        status = StatusMessage("editing the patch of \(id.short)…", tone: .pending)
        return [.editPatch(id, request.diff)]
    }

    private mutating func approveDiff(_ view: DiffViewState) -> [ConsoleEffect] {
        if view.parseError == nil && view.hunkCount > 0 && !view.excludedHunks.isEmpty {
            let included = view.includedHunks
            guard !included.isEmpty else {
                status = StatusMessage(
                    "every hunk is excluded; include one (space) or reject (r)", tone: .error)
                return []
            }
            return send([.approveHunks(view.jobID, included)])
        }
        return send([.approve(view.jobID)])
    }

    // MARK: Navigation

    mutating func focus(_ pane: PaneID) {
        focus = pane
        if zoomed { status = StatusMessage("\(pane.title) zoomed; z to restore") }
    }

    private mutating func moveSelection(by delta: Int) {
        switch focus {
        case .jobs: selectJob(at: jobCursor + delta)
        case .beads:
            let count = beadsOfSelection.count
            guard count > 0 else { return }
            let current = selectedBeadIndex ?? count - 1
            let next = min(max(0, current + delta), count - 1)
            beadCursor = next == count - 1 ? nil : next
        case .gauges:
            scrollOffsets[.gauges] = max(0, (scrollOffsets[.gauges] ?? 0) + delta)
        case .quarantine: selectQuarantine(at: quarantineCursor + delta)
        case .approvals: selectApproval(at: approvalCursor + delta)
        }
    }

    private mutating func moveSelection(to index: Int) {
        switch focus {
        case .jobs: selectJob(at: index == .max ? visibleJobIDs.count - 1 : index)
        case .beads:
            let count = beadsOfSelection.count
            beadCursor = index == .max || count == 0 ? nil : 0
        case .gauges: scrollOffsets[.gauges] = index == .max ? 1_000 : 0
        case .quarantine: selectQuarantine(at: index == .max ? quarantine.count - 1 : index)
        case .approvals: selectApproval(at: index == .max ? approvals.count - 1 : index)
        }
    }

    private mutating func open() -> [ConsoleEffect] {
        switch focus {
        case .jobs:
            guard let job = selectedJob else { return [] }
            if let request = approval(for: job.id) {
                openDiff(request)
            } else {
                overlay = .job(job.id, top: 0)
                status = StatusMessage(
                    "job \(job.id.short): stages, waits, model calls and transcript; / searches, esc closes")
                return loadDetail(of: job.id)
            }
        case .approvals:
            guard let request = selectedApproval else {
                status = StatusMessage("no patch is waiting for approval")
                return []
            }
            openDiff(request)
        case .quarantine:
            guard let record = selectedQuarantine else { return [] }
            overlay = .quarantineRecord(record.id, top: 0)
            if let id = record.jobID { return loadDetail(of: id) }
        case .beads, .gauges:
            break
        }
        return []
    }

    /// Asks the engine for the job's transcript, patch and stage history; the view shows
    /// "loading…" until `receiveJobDetail` brings them.
    private mutating func loadDetail(of id: JobID) -> [ConsoleEffect] {
        jobDetail = JobDetailState(jobID: id)
        return [.loadJobDetail(id)]
    }

    /// Runs a transcript search and shows its first match at or after the rows on screen.
    private mutating func search(_ query: String, in id: JobID) {
        guard var state = jobDetail, state.jobID == id, let document = state.document else {
            status = StatusMessage(
                "the transcript has not arrived yet; search again in a moment", tone: .error)
            return
        }
        guard !query.isEmpty else {
            state.search = nil
            jobDetail = state
            status = StatusMessage("search cleared")
            return
        }
        var search = TranscriptSearch(query: query, in: document)
        guard !search.matches.isEmpty else {
            state.search = search
            jobDetail = state
            status = StatusMessage("no match for '\(query)' in the transcript", tone: .error)
            return
        }
        let start = jobs[id].map { JobView.transcriptStart($0, model: self) } ?? 0
        var top = 0
        if case .job(_, let row) = overlay { top = row }
        search.current = search.firstMatch(fromLine: max(0, top - start))
        state.search = search
        jobDetail = state
        showCurrentMatch(in: id)
    }

    /// `n`/`N` in the job view: the next or previous match, wrapping around.
    private mutating func stepMatch(in id: JobID, by step: Int) {
        guard var state = jobDetail, state.jobID == id, var search = state.search, !search.matches.isEmpty
        else {
            status = StatusMessage("/ searches the transcript; n and N then move between matches")
            return
        }
        let count = search.matches.count
        search.current = ((search.current + step) % count + count) % count
        state.search = search
        jobDetail = state
        showCurrentMatch(in: id)
    }

    /// Scrolls the job view so the current match is a few rows below the top.
    private mutating func showCurrentMatch(in id: JobID) {
        guard let search = jobDetail?.search, let match = search.currentMatch, let job = jobs[id] else {
            return
        }
        let start = JobView.transcriptStart(job, model: self)
        overlay = .job(id, top: max(0, start + match.line - 3))
        let more = search.truncated ? "+" : ""
        status = StatusMessage(
            "match \(search.current + 1) of \(search.matches.count)\(more) for '\(search.query)'; n/N next/previous"
        )
    }

    mutating func openDiff(_ request: ApprovalRequest) {
        var view = DiffViewState(jobID: request.jobID, diff: request.diff)
        if view.hunkCount > 0 { view.jumpToHunk(0) }
        view.top = 0
        diff = view
        if let error = view.parseError {
            status = StatusMessage("patch of \(request.jobID.short) does not parse: \(error)", tone: .error)
        } else {
            status = StatusMessage(
                "\(view.hunkCount) hunk\(view.hunkCount == 1 ? "" : "s"): n/N move, space excludes, a approves, r rejects"
            )
        }
    }

    private mutating func back() {
        if !marks.isEmpty {
            marks.removeAll()
            status = StatusMessage("marks cleared")
        } else if !filterText.isEmpty {
            setFilter("")
            status = StatusMessage("filter cleared")
        } else if zoomed {
            zoomed = false
            status = StatusMessage("layout restored")
        }
    }

    private mutating func toggleMark() {
        guard focus == .jobs else {
            status = StatusMessage("space marks jobs in the jobs pane")
            return
        }
        guard let id = selectedJobID else { return }
        if marks.remove(id) == nil { marks.insert(id) }
        selectJob(at: jobCursor + 1)
        status = StatusMessage(
            marks.isEmpty ? "no jobs marked" : "\(marks.count) marked: a r R c p act on all; esc clears")
    }

    // MARK: Commands

    private mutating func send(_ commands: [OperatorCommand]) -> [ConsoleEffect] {
        guard !commands.isEmpty else { return [] }
        let summary = commands.count == 1 ? commands[0].description : "\(commands.count) commands"
        status = StatusMessage("\(summary)…", tone: .pending)
        if !marks.isEmpty { marks.removeAll() }
        return commands.map(ConsoleEffect.send)
    }

    mutating func report(_ outcome: CommandOutcome) {
        let text =
            outcome.message.isEmpty
            ? "\(outcome.command): \(outcome.succeeded ? "done" : "failed")" : outcome.message
        status = StatusMessage(text, tone: outcome.succeeded ? .ok : .error)
    }

    /// Jobs the action applies to in the current pane, where approve/reject need a waiting patch.
    private func approvalTargets() -> [JobID] {
        if focus == .approvals, marks.isEmpty { return selectedApprovalID.map { [$0] } ?? [] }
        return targetJobIDs
    }

    private mutating func approve() -> [ConsoleEffect] {
        let targets = approvalTargets()
        let waiting = targets.filter { approval(for: $0) != nil }
        guard !waiting.isEmpty else {
            status = StatusMessage(
                targets.isEmpty ? "nothing selected" : "\(describe(targets)) is not awaiting approval",
                tone: .error)
            return []
        }
        return send(waiting.map(OperatorCommand.approve))
    }

    private mutating func askRejectReason() {
        let waiting = approvalTargets().filter { approval(for: $0) != nil }
        guard !waiting.isEmpty else {
            status = StatusMessage("nothing awaiting approval is selected", tone: .error)
            return
        }
        prompt = Prompt(purpose: .rejectReason(waiting))
    }

    private mutating func retry() -> [ConsoleEffect] {
        if focus == .quarantine || isShowingRecord {
            guard let record = selectedQuarantine else { return [] }
            overlay = nil
            prompt = Prompt(
                purpose: .retryNote(
                    record.id,
                    question: QuarantineConsequence.retryPrompt(
                        record: record, job: record.jobID.flatMap { jobs[$0] })))
            return []
        }
        let targets =
            focus == .approvals && marks.isEmpty ? (selectedApprovalID.map { [$0] } ?? []) : targetJobIDs
        return send(targets.map(OperatorCommand.retry))
    }

    private mutating func askCancel() {
        let targets = targetJobIDs
        guard !targets.isEmpty else { return }
        let effects = targets.map { ConsoleEffect.send(.cancel($0)) }
        confirmation = Confirmation(question: "cancel \(describe(targets))? y/n", effects: effects)
        marks.removeAll()
    }

    private mutating func pauseOrResume() -> [ConsoleEffect] {
        let commands = targetJobIDs.map { id -> OperatorCommand in
            jobs[id]?.state == .paused ? .resume(id) : .pause(id)
        }
        return send(commands)
    }

    private var isShowingRecord: Bool {
        if case .quarantineRecord = overlay { return true }
        return false
    }

    private mutating func askDrop() {
        guard focus == .quarantine || isShowingRecord, let record = selectedQuarantine else {
            status = StatusMessage("d drops a record in the quarantine pane (4)")
            return
        }
        confirmation = Confirmation(
            question: QuarantineConsequence.question(
                .drop, record: record, job: record.jobID.flatMap { jobs[$0] }),
            effects: [.send(.dropQuarantine(record.id, reason: "dropped by operator"))])
        overlay = nil
    }

    private mutating func release() -> [ConsoleEffect] {
        guard focus == .quarantine || isShowingRecord, let record = selectedQuarantine else {
            status = StatusMessage("u releases a record in the quarantine pane (4)")
            return []
        }
        overlay = nil
        confirmation = Confirmation(
            question: QuarantineConsequence.question(
                .release, record: record, job: record.jobID.flatMap { jobs[$0] }),
            effects: [.send(.releaseQuarantine(record.id))])
        return []
    }

    private mutating func quit() -> [ConsoleEffect] {
        let running = runningJobCount
        guard running > 0, !streamEnded, !readOnly else { return [.quit] }
        confirmation = Confirmation(
            question: "\(running) job\(running == 1 ? " is" : "s are") running; quit? y/n", effects: [.quit])
        return []
    }

    private func describe(_ ids: [JobID]) -> String {
        ids.count == 1 ? ids[0].short : "\(ids.count) jobs"
    }

    // MARK: Prompts

    private mutating func handlePromptKey(_ key: Key) -> [ConsoleEffect] {
        guard var current = prompt else { return [] }
        switch key {
        case .enter:
            prompt = nil
            return submit(current)
        case .esc:
            prompt = nil
            if current.purpose == .filter {
                setFilter("")
                status = StatusMessage("filter cleared")
            } else {
                status = StatusMessage("cancelled")
            }
            return []
        case .backspace:
            if !current.text.isEmpty { current.text.removeLast() }
        case .ctrl("u"):
            current.text = ""
        case .char(let c):
            current.text.append(c)
        default:
            return []
        }
        prompt = current
        if current.purpose == .filter { setFilter(current.text) }
        return []
    }

    private mutating func submit(_ prompt: Prompt) -> [ConsoleEffect] {
        switch prompt.purpose {
        case .filter:
            setFilter(prompt.text)
            status = StatusMessage(
                prompt.text.isEmpty ? "filter cleared" : "\(visibleJobIDs.count) of \(jobs.count) jobs match")
            return []
        case .rejectReason(let ids):
            let reason = prompt.text.trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty else {
                self.prompt = prompt
                status = StatusMessage("a reason is required (esc cancels)", tone: .error)
                return []
            }
            return send(ids.map { rejection($0, reason: reason) })
        case .lineComment(let id, let rows):
            return saveComment(prompt.text, on: rows, of: id)
        case .transcriptSearch(let id):
            search(prompt.text, in: id)
            return []
        case .retryNote(let id, _):
            let note = prompt.text.trimmingCharacters(in: .whitespaces)
            return send([.retryQuarantine(id, note: note.isEmpty ? nil : note)])
        case .command:
            return runCommand(prompt.text)
        }
    }

    /// A rejection carries the job's unsent line comments, if they were written on this patch.
    private mutating func rejection(_ id: JobID, reason: String) -> OperatorCommand {
        guard let draft = reviewDrafts[id], !draft.comments.isEmpty, draft.diff == approval(for: id)?.diff
        else { return .reject(id, reason: reason) }
        reviewDrafts[id] = nil
        return .rejectWithComments(id, reason: reason, comments: draft.ordered)
    }

    private mutating func saveComment(_ text: String, on rows: ClosedRange<Int>, of id: JobID)
        -> [ConsoleEffect]
    {
        guard var view = diff, view.jobID == id, let request = approval(for: id) else {
            status = StatusMessage("the patch is no longer open; the comment was not kept", tone: .error)
            return []
        }
        var draft =
            reviewDrafts[id].flatMap { $0.diff == request.diff ? $0 : nil } ?? ReviewDraft(diff: request.diff)
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            draft.comments[rows.upperBound] = nil
            status = StatusMessage("comment removed")
        } else if let comment = view.lineComment(on: rows, text: text) {
            draft.comments[rows.upperBound] = comment
            let count = draft.comments.count
            status = StatusMessage(
                "\(count) comment\(count == 1 ? "" : "s") on \(id.short); r rejects and sends them to the model"
            )
        }
        reviewDrafts[id] = draft.comments.isEmpty ? nil : draft
        view.rangeAnchor = nil
        diff = view
        return []
    }

    /// `:` palette: an action by name (`approve`, `next-theme`, a unique prefix such as `appr`),
    /// or one of the commands that take arguments.
    private mutating func runCommand(_ text: String) -> [ConsoleEffect] {
        let words = text.split(separator: " ").map(String.init)
        guard let first = words.first?.lowercased() else { return [] }
        let rest = words.dropFirst().joined(separator: " ")
        switch first {
        case "reject" where !rest.isEmpty:
            if readOnly { return perform(.reject) }
            let ids = approvalTargets().filter { approval(for: $0) != nil } + (diff.map { [$0.jobID] } ?? [])
            guard let id = ids.first else {
                status = StatusMessage("nothing awaiting approval is selected", tone: .error)
                return []
            }
            return send([rejection(id, reason: rest)])
        case "budget":
            return budgetCommand(Array(words.dropFirst()))
        case "filter":
            setFilter(rest)
            return []
        case "q", "quit":
            return perform(.quit)
        default:
            break
        }
        let key = first.replacingOccurrences(of: "-", with: "_")
        if let action = ConsoleAction(rawValue: key) { return perform(action) }
        let matches = ConsoleAction.allCases.filter { $0.rawValue.hasPrefix(key) }
        if matches.count == 1 { return perform(matches[0]) }
        status = StatusMessage(
            matches.isEmpty
                ? "unknown command '\(first)'; ? lists actions, or budget run|day AMOUNT|none"
                : "'\(first)' could be \(matches.map(\.rawValue).joined(separator: ", "))",
            tone: .error)
        return []
    }

    private mutating func budgetCommand(_ args: [String]) -> [ConsoleEffect] {
        if readOnly {
            status = StatusMessage("read-only: budget is off (attached with --read-only)", tone: .error)
            return []
        }
        guard args.count == 2, ["run", "day", "job"].contains(args[0].lowercased()) else {
            status = StatusMessage("usage: budget run|day AMOUNT|none, e.g. budget day 25", tone: .error)
            return []
        }
        if args[1].lowercased() == "none" {
            return send([.setBudget(scope: args[0].lowercased(), limit: nil)])
        }
        guard let money = Money(dollars: args[1]) else {
            status = StatusMessage("'\(args[1])' is not an amount of dollars", tone: .error)
            return []
        }
        return send([.setBudget(scope: args[0].lowercased(), limit: money)])
    }
}

extension Overlay {
    /// The first visible row after a scrolling `action`, or nil when `action` does not scroll.
    func top(after action: ConsoleAction) -> Int? {
        let top: Int
        switch self {
        case .help(let row), .job(_, let row), .quarantineRecord(_, let row): top = row
        }
        return switch action {
        case .down: top + 1
        case .up: max(0, top - 1)
        case .pageDown: top + 10
        case .pageUp: max(0, top - 10)
        case .top: 0
        // Past the end; the view clamps it to the last page and writes that back.
        case .bottom: Int(Int32.max)
        default: nil
        }
    }

    func scrolled(to top: Int) -> Overlay {
        switch self {
        case .help: .help(top: top)
        case .job(let id, _): .job(id, top: top)
        case .quarantineRecord(let id, _): .quarantineRecord(id, top: top)
        }
    }
}
