import Foundation
import PilothouseCore

/// Prints engine events for `pilothouse run` without a console: one JSON object per line
/// (`--json`, or whenever stdout is not a terminal), or a live one-line summary on a TTY.
///
/// The JSON schema is documented in Docs/OPERATIONS.md ("Headless runs"); keys are stable.
/// Free text in an event (titles, messages, notices) passes through the store's `StoredText`
/// once more, since some events carry text that was never stored, and JSON lines escape
/// every character a terminal would obey.
struct HeadlessReporter {
    enum Mode { case jsonLines, progressLine }

    let mode: Mode
    let text: StoredText
    private var counts: [JobState: Int] = [:]
    private var jobStates: [JobID: JobState] = [:]
    private var spend = Money.zero
    private var lastDraw = ContinuousClock.now - .seconds(1)
    /// The reader of stdout went away (EPIPE): nothing more is written.
    private(set) var outputClosed = false

    init(mode: Mode, text: StoredText) {
        self.mode = mode
        self.text = text
    }

    /// Prints `event`; returns false once stdout is closed, which the caller treats as an
    /// interrupt (stop claiming, requeue, exit).
    mutating func handle(_ event: EngineEvent) -> Bool {
        fold(event)
        switch mode {
        case .jsonLines:
            write(json(for: event) + "\n")
        case .progressLine:
            let now = ContinuousClock.now
            if now - lastDraw >= .milliseconds(100) {
                lastDraw = now
                write("\r\u{1B}[K" + progressText())
            }
            if case .notice(let notice) = event {
                write("\r\u{1B}[K" + TerminalText.neutralised(text(notice)) + "\n" + progressText())
            }
        }
        return !outputClosed
    }

    private mutating func write(_ text: String) {
        guard !outputClosed else { return }
        outputClosed = !StandardOutput.write(text)
    }

    /// The last word of a run: its exit code and what happened.
    func finish(exitCode: Int32, summary: [String: Int]) {
        guard !outputClosed else { return }
        switch mode {
        case .jsonLines:
            var object: [String: Any] = [
                "event": "run_finished", "exit_code": Int(exitCode), "at": Self.timestamp(),
            ]
            for (key, value) in summary { object[key] = value }
            StandardOutput.write(Self.encode(object) + "\n")
        case .progressLine:
            StandardOutput.write("\r\u{1B}[K" + progressText() + "\n")
        }
    }

    private mutating func fold(_ event: EngineEvent) {
        switch event {
        case .snapshot(let snapshot):
            jobStates = Dictionary(snapshot.jobs.map { ($0.id, $0.state) }, uniquingKeysWith: { $1 })
            spend = snapshot.gauges.runSpend
        case .jobChanged(let job):
            jobStates[job.id] = job.state
        case .gauges(let gauges):
            spend = gauges.runSpend
        default:
            return
        }
        counts = jobStates.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    func progressText() -> String {
        let shown: [(JobState, String)] = [
            (.queued, "queued"), (.running, "running"), (.awaitingApproval, "awaiting approval"),
            (.merging, "merging"),
            (.merged, "merged"), (.completed, "completed without merge"), (.quarantined, "quarantined"),
            (.failed, "failed"),
            (.budgetHold, "on budget hold"),
        ]
        let parts = shown.compactMap { state, label in counts[state].map { "\($0) \(label)" } }
        return "pilothouse: " + (parts.isEmpty ? "no jobs" : parts.joined(separator: " · "))
            + " · \(spend) spent"
    }

    // MARK: JSON lines

    func json(for event: EngineEvent) -> String {
        var object: [String: Any] = ["at": Self.timestamp()]
        switch event {
        case .snapshot(let snapshot):
            object["event"] = "snapshot"
            object["jobs"] = snapshot.jobs.count
            object["states"] = Dictionary(grouping: snapshot.jobs, by: \.state.rawValue).mapValues(\.count)
            object["quarantined"] = snapshot.quarantine.count
            object["awaiting_approval"] = snapshot.approvals.count
            object["engine"] = snapshot.state.rawValue
        case .jobChanged(let job):
            object["event"] = "job_changed"
            object["job"] = [
                "id": job.id.rawValue, "title": text(job.title), "state": job.state.rawValue,
                "stage": job.currentStage?.rawValue as Any, "attempts": job.attempts,
                "max_attempts": job.maxAttempts,
                "priority": job.priority.description, "category": job.category.rawValue,
            ]
        case .beadAppended(let bead):
            object["event"] = "bead"
            object["bead"] = [
                "seq": bead.seq, "kind": bead.kind.rawValue, "job": bead.jobID?.rawValue as Any,
                "stage": bead.stage?.rawValue as Any, "message": text(bead.message), "hash": bead.hash,
            ]
        case .stageProgress(let progress):
            object["event"] = "stage"
            object["job"] = progress.jobID.rawValue
            object["stage"] = progress.stage.rawValue
            object["attempt"] = progress.attempt
            object["status"] = progress.status.rawValue
            object["message"] = text(progress.message)
        case .modelActivity(let activity):
            object["event"] = "model_activity"
            object["job"] = activity.jobID.rawValue
            object["stage"] = activity.stage.rawValue
            object["model"] = activity.model
            switch activity.kind {
            case .waiting(let until, let reason):
                object["activity"] = "waiting"
                object["reason"] = text(reason)
                object["resumes_at"] = ISO8601DateFormatter().string(from: until)
            case .streaming(let tokens, let rate):
                object["activity"] = "streaming"
                object["tokens"] = tokens
                object["tokens_per_second"] = (rate * 10).rounded() / 10
            }
        case .gauges(let gauges):
            object["event"] = "gauges"
            object["run_spend_usd"] = gauges.runSpend.dollarsString
            object["day_spend_usd"] = gauges.daySpend.dollarsString
            object["queue_depth"] = gauges.queueDepth
            object["in_flight"] = gauges.inFlight
            object["merge_queue"] = gauges.mergeQueue.entries.count
            object["engines"] = gauges.engines.count
            object["merge_testing"] = gauges.mergeQueue.batch.count
            if let failing = gauges.webhooksFailing { object["webhooks_failing"] = failing }
        case .quarantineAdded(let record):
            object["event"] = "quarantine_added"
            object["record"] = [
                "id": record.id.rawValue, "job": record.jobID?.rawValue as Any,
                "reason": record.reason.rawValue,
                "message": text(record.message),
            ]
        case .quarantineRemoved(let id):
            object["event"] = "quarantine_removed"
            object["record"] = id.rawValue
        case .approvalRequested(let request):
            object["event"] = "approval_requested"
            object["job"] = request.jobID.rawValue
            object["title"] = text(request.title)
            object["review_score"] = request.review?.overall as Any
            object["tests_passed"] = request.tests?.passed as Any
            object["diff_bytes"] = request.diff.count
        case .approvalResolved(let id):
            object["event"] = "approval_resolved"
            object["job"] = id.rawValue
        case .engineStateChanged(let state):
            object["event"] = "engine_state"
            object["state"] = state.rawValue
        case .commandCompleted(let outcome):
            object["event"] = "command"
            object["command"] = outcome.command.description
            object["succeeded"] = outcome.succeeded
            object["message"] = text(outcome.message)
        case .notice(let notice):
            object["event"] = "notice"
            object["message"] = text(notice)
        }
        return Self.encode(object)
    }

    static func encode(_ object: [String: Any]) -> String {
        let cleaned = object.mapValues(clean)
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: cleaned, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{\"event\":\"error\",\"message\":\"unencodable event\"}" }
        return TerminalText.escapedJSON(String(decoding: data, as: UTF8.self))
    }

    /// `Optional.none` inside `Any` must become JSON null.
    private static func clean(_ value: Any) -> Any {
        if let dictionary = value as? [String: Any] { return dictionary.mapValues(clean) }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let first = mirror.children.first else { return NSNull() }
            return clean(first.value)
        }
        return value
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }

}
