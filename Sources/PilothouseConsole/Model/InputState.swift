import PilothouseCore

/// A line the operator is typing on the status line, and what it is for.
public struct Prompt: Hashable, Sendable {
    public enum Purpose: Hashable, Sendable {
        case filter
        case command
        /// The reason for rejecting these jobs' patches.
        case rejectReason([JobID])
        /// A comment on these rows of the open diff.
        case lineComment(JobID, rows: ClosedRange<Int>)
        /// A search in the open job view's transcript.
        case transcriptSearch(JobID)
        /// Retrying a quarantine record: `question` says what happens to its job; the text is
        /// an optional note for the model, and enter retries.
        case retryNote(JobID, question: String)
    }

    public var purpose: Purpose
    public var text: String

    public init(purpose: Purpose, text: String = "") {
        self.purpose = purpose
        self.text = text
    }

    /// What the prompt decides, shown above the status line while it is open (the retry
    /// question says what happens to the job, which no status line of 80 columns can hold).
    public var question: String? {
        if case .retryNote(_, let question) = purpose { return question }
        return nil
    }

    public var label: String {
        switch purpose {
        case .filter: "/"
        case .command: ":"
        case .rejectReason(let ids):
            ids.count == 1 ? "reject \(ids[0].short), reason: " : "reject \(ids.count) jobs, reason: "
        case .lineComment(_, let rows):
            rows.count == 1 ? "comment: " : "comment on \(rows.count) rows: "
        case .transcriptSearch: "search the transcript: "
        case .retryNote: "note for the model (optional; enter retries, esc cancels): "
        }
    }
}

/// A yes/no question that guards an action that cannot be undone.
public struct Confirmation: Hashable, Sendable {
    public var question: String
    public var effects: [ConsoleEffect]

    public init(question: String, effects: [ConsoleEffect]) {
        self.question = question
        self.effects = effects
    }
}

/// What the status line says when no prompt is open.
public struct StatusMessage: Hashable, Sendable {
    public enum Tone: Hashable, Sendable { case info, ok, error, pending }
    public var text: String
    public var tone: Tone

    public init(_ text: String, tone: Tone = .info) {
        self.text = text
        self.tone = tone
    }
}

/// Views drawn over the panes; only one at a time.
public enum Overlay: Hashable, Sendable {
    case help(top: Int)
    case quarantineRecord(JobID, top: Int)
    /// The job view: its stages on a time axis, waits, model calls (`JobView`).
    case job(JobID, top: Int)
}
