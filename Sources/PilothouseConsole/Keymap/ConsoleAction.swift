/// Everything a key can do in the console. Raw values are the names used in config (`[keys]`),
/// in the `:` command palette and in Docs/KEYS.md, so renaming one is a breaking change.
public enum ConsoleAction: String, CaseIterable, Hashable, Sendable {
    case nextPane = "next_pane"
    case previousPane = "previous_pane"
    case focusJobs = "focus_jobs"
    case focusBeads = "focus_beads"
    case focusGauges = "focus_gauges"
    case focusQuarantine = "focus_quarantine"
    case focusApprovals = "focus_approvals"
    case down
    case up
    case top
    case bottom
    case pageDown = "page_down"
    case pageUp = "page_up"
    case open
    case back
    case filter
    case command
    case mark
    case sort
    case nextHunk = "next_hunk"
    case previousHunk = "previous_hunk"
    case comment
    case markRange = "mark_range"
    case scrollLeft = "scroll_left"
    case scrollRight = "scroll_right"
    case wrap
    case editPatch = "edit_patch"
    case approve
    case reject
    case retry
    case cancel
    case pause
    case pauseEngine = "pause_engine"
    case drop
    case release
    case zoom
    case nextTheme = "next_theme"
    case redraw
    case help
    case quit

    /// Groups for the help overlay and Docs/KEYS.md, in display order.
    public enum Section: String, CaseIterable, Sendable {
        case navigation = "Moving around"
        case jobs = "Jobs and approvals"
        case quarantine = "Quarantine"
        case diff = "Diff viewer"
        case console = "Console"
    }

    public var section: Section {
        switch self {
        case .nextPane, .previousPane, .focusJobs, .focusBeads, .focusGauges, .focusQuarantine,
            .focusApprovals, .down, .up, .top, .bottom, .pageDown, .pageUp, .open, .back:
            .navigation
        case .filter, .mark, .sort, .approve, .reject, .retry, .cancel, .pause, .pauseEngine: .jobs
        case .drop, .release: .quarantine
        case .nextHunk, .previousHunk, .comment, .markRange, .scrollLeft, .scrollRight, .wrap, .editPatch:
            .diff
        case .command, .zoom, .nextTheme, .redraw, .help, .quit: .console
        }
    }

    /// Actions that exist only inside the diff viewer; their keys may shadow a key the rest of
    /// the console uses (`c` comments in the diff, cancels elsewhere).
    public var isDiffOnly: Bool {
        switch self {
        case .comment, .markRange, .scrollLeft, .scrollRight, .wrap: true
        default: false
        }
    }

    /// Whether the action asks the engine to change something; read-only attach refuses these.
    public var isMutating: Bool {
        switch self {
        case .approve, .reject, .retry, .cancel, .pause, .pauseEngine, .drop, .release, .editPatch: true
        default: false
        }
    }

    public var defaultKeys: [String] {
        switch self {
        case .nextPane: ["tab"]
        case .previousPane: ["shift-tab"]
        case .focusJobs: ["1"]
        case .focusBeads: ["2"]
        case .focusGauges: ["3"]
        case .focusQuarantine: ["4"]
        case .focusApprovals: ["5"]
        case .down: ["j", "down"]
        case .up: ["k", "up"]
        case .top: ["g", "home"]
        case .bottom: ["G", "end"]
        case .pageDown: ["pgdn", "ctrl-d"]
        case .pageUp: ["pgup", "ctrl-u"]
        case .open: ["enter"]
        case .back: ["esc"]
        case .filter: ["/"]
        case .command: [":"]
        case .mark: ["space"]
        case .sort: ["s"]
        case .nextHunk: ["n"]
        case .previousHunk: ["N"]
        case .comment: ["c"]
        case .markRange: ["v"]
        case .scrollLeft: ["h", "left"]
        case .scrollRight: ["l", "right"]
        case .wrap: ["w"]
        case .editPatch: ["e"]
        case .approve: ["a"]
        case .reject: ["r"]
        case .retry: ["R"]
        case .cancel: ["c"]
        case .pause: ["p"]
        case .pauseEngine: ["P"]
        case .drop: ["d"]
        case .release: ["u"]
        case .zoom: ["z"]
        case .nextTheme: ["t"]
        case .redraw: ["ctrl-l"]
        case .help: ["?"]
        case .quit: ["q", "ctrl-c"]
        }
    }

    /// One line for the help overlay, Docs/KEYS.md and the command palette.
    public var summary: String {
        switch self {
        case .nextPane: "Focus the next pane"
        case .previousPane: "Focus the previous pane"
        case .focusJobs: "Jump to the jobs pane"
        case .focusBeads: "Jump to the beads pane (the selected job's audit chain)"
        case .focusGauges: "Jump to the gauges pane (spend, rate limits, circuits)"
        case .focusQuarantine: "Jump to the quarantine pane"
        case .focusApprovals: "Jump to the approvals pane"
        case .down: "Move down a row (a line in the diff viewer)"
        case .up: "Move up a row (a line in the diff viewer)"
        case .top: "Go to the first row"
        case .bottom: "Go to the last row"
        case .pageDown: "Scroll down a page"
        case .pageUp: "Scroll up a page"
        case .open:
            "Open the selection: a job's waiting patch or its job view (stages, waits, model calls, transcript), an approval's diff, a quarantine record (with its job's patch or attempts)"
        case .back: "Close the diff, record, help or prompt; clear marks"
        case .filter:
            "Filter jobs: words match the title; state:NAME, p0…p3, cat:NAME, stage:NAME. In the job view: search the transcript"
        case .command: "Command palette: run any action by name, or `budget run|day AMOUNT|none`"
        case .mark: "Mark the job for a batch action; in the diff viewer, exclude or include the hunk"
        case .sort: "Sort jobs by priority, state, newest or title"
        case .nextHunk: "Next hunk; in the job view, the next match of the search"
        case .previousHunk: "Previous hunk; in the job view, the previous match of the search"
        case .comment:
            "Comment on the line (or the marked range); r sends the comments to the model with the reason"
        case .markRange: "Mark the start of a range of lines to comment on, or clear the mark"
        case .scrollLeft: "Scroll long lines left"
        case .scrollRight: "Scroll long lines right"
        case .wrap: "Wrap long lines, or scroll them sideways again"
        case .editPatch: "Edit the waiting patch in $VISUAL/$EDITOR; the edit is checked and tested again"
        case .approve: "Approve the patch (only the included hunks when some are excluded)"
        case .reject: "Reject the patch; asks for a reason"
        case .retry:
            "Retry the job, or the quarantined record (says what happens to its job; type an optional note for the model, enter retries)"
        case .cancel: "Cancel the job (asks to confirm)"
        case .pause: "Pause the job, or resume it when paused"
        case .pauseEngine: "Pause the engine (no new work is claimed), or resume it"
        case .drop: "Drop the quarantined record (says what happens to its job, asks to confirm)"
        case .release: "Release the quarantined record back to its job (says what happens, asks to confirm)"
        case .zoom: "Zoom the focused pane to the whole screen, or back"
        case .nextTheme: "Switch to the next colour theme"
        case .redraw: "Redraw the whole screen"
        case .help: "Show or hide this help"
        case .quit: "Quit (asks to confirm while jobs run)"
        }
    }
}
