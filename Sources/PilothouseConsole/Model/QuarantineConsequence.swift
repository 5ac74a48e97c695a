import PilothouseCore

/// What retrying, releasing or dropping a quarantine record does to its job, said before the
/// operator confirms (the engine's `releaseQuarantineRecord` and `dropQuarantine` semantics).
enum QuarantineConsequence {
    enum Action { case retry, release, drop }

    /// The retry question: as `question` but answered with enter (and an optional note for the
    /// model) rather than `y/n`.
    static func retryPrompt(record: QuarantineRecord, job: Job?) -> String {
        var text = question(.retry, record: record, job: job)
        if text.hasSuffix(" y/n") { text.removeLast(4) }
        return text
            + (job == nil
                ? " enter retries, esc cancels" : " A note typed below goes to the model with the retry.")
    }

    static func question(_ action: Action, record: QuarantineRecord, job: Job?) -> String {
        let what = "quarantined record \(record.id.short) (\(record.reason))"
        guard let job else {
            return switch action {
            case .retry, .release:
                "\(action == .retry ? "retry" : "release") \(what)? it has no job; the record is deleted. y/n"
            case .drop: "drop \(what)? it has no job; the record is deleted, which cannot be undone. y/n"
            }
        }
        let name = "job \(job.id.short)"
        switch action {
        case .retry:
            return
                "retry \(what)? \(name) goes back to the queue with its tries reset to 0/\(job.maxAttempts); the record is deleted. y/n"
        case .release:
            let left = job.maxAttempts - job.attempts
            let tries =
                left > 0
                ? "keeping its tries (\(job.attempts)/\(job.maxAttempts) used)"
                : "with no tries left (\(job.attempts)/\(job.maxAttempts)), so it returns to quarantine if it fails again"
            return "release \(what)? \(name) goes back to the queue \(tries); the record is deleted. y/n"
        case .drop:
            return
                "drop \(what)? \(name) is marked failed and the record deleted; this cannot be undone. y/n"
        }
    }
}
