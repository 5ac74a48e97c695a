/// Something the operator is needed for (or wants to hear about) while looking elsewhere.
///
/// Raw values are the keys of the `[notify]` config section and the `kind` in the JSON a
/// `notify_command` reads, so renaming one is a breaking change.
public enum NotificationKind: String, CaseIterable, Codable, Hashable, Sendable {
    /// A patch started waiting at the approval gate.
    case approvalWaiting = "approval_waiting"
    /// A record went to quarantine.
    case quarantined
    /// A budget holds a job until it is raised or the day turns.
    case budgetHold = "budget_hold"
    /// A model lane stayed at its rate limit (or behind an open circuit) for a long time.
    case rateLimited = "rate_limited"
    /// The swarm ran out of work: nothing is queued, running or merging any more.
    case runFinished = "run_finished"
}

/// How a notification reaches the operator.
public enum NotificationChannel: String, CaseIterable, Codable, Hashable, Sendable {
    /// The terminal bell (BEL): tmux flags the window, most terminals flash or beep.
    case bell
    /// A desktop notification by escape sequence: OSC 9 and OSC 777.
    case desktop
    /// The configured `notify_command`, with the notification as JSON on its stdin.
    case command
}
