import Foundation
import PilothouseCore

/// Decides when the operator is told about something: a patch waiting, a record quarantined, a
/// budget hold, a lane rate limited for long, the swarm running out of work.
///
/// A pure value fed the same events as the model, so tests drive it with no terminal. It
/// announces each thing once (a repeated snapshot or event is not news), says nothing about what
/// the operator is already looking at (a patch arriving while the approvals pane has focus), and
/// gathers what arrives close together into one digest: the first notification goes out at once,
/// anything within `digestSeconds` after it waits and goes out as one.
public struct Notifier: Sendable {
    public var settings: NotifySettings
    private var pending: [OperatorNotification.Item] = []
    private var lastSentAt: Date?
    /// Approvals already seen, by job and attempt, so a re-sent request is not news.
    private var seenApprovals: Set<String> = []
    private var seenQuarantine: Set<JobID> = []
    private var heldJobs: Set<JobID> = []
    /// Jobs queued, running or merging: when the last one leaves, the swarm is idle.
    private var busyJobs: Set<JobID> = []
    /// Lanes at their limit, since when, and whether that episode was announced.
    private var limitedSince: [String: (since: Date, announced: Bool)] = [:]

    public init(settings: NotifySettings = NotifySettings()) {
        self.settings = settings
    }

    /// Folds one event; `looking` is the pane the operator has in front of them.
    public mutating func observe(_ event: EngineEvent, at now: Date, looking: PaneID?) {
        switch event {
        case .snapshot(let snapshot):
            // What was already there when the console attached is not news.
            seenApprovals = Set(snapshot.approvals.map(Self.key))
            seenQuarantine = Set(snapshot.quarantine.map(\.id))
            heldJobs = Set(snapshot.jobs.filter { $0.state == .budgetHold }.map(\.id))
            busyJobs = Set(snapshot.jobs.filter(Self.isBusy).map(\.id))
            observeGauges(snapshot.gauges, at: now, looking: looking)
        case .approvalRequested(let request):
            guard seenApprovals.insert(Self.key(request)).inserted else { return }
            queue(
                .init(
                    kind: .approvalWaiting, jobID: request.jobID,
                    text: "\(request.jobID.short) \(request.title)"),
                unless: looking == .approvals)
        case .quarantineAdded(let record):
            guard seenQuarantine.insert(record.id).inserted else { return }
            queue(
                .init(
                    kind: .quarantined, jobID: record.jobID,
                    text: "\((record.jobID ?? record.id).short) \(record.reason.rawValue): \(record.message)"),
                unless: looking == .quarantine)
        case .quarantineRemoved(let id):
            seenQuarantine.remove(id)
        case .jobChanged(let job):
            if job.state == .budgetHold {
                if heldJobs.insert(job.id).inserted {
                    queue(
                        .init(kind: .budgetHold, jobID: job.id, text: "\(job.id.short) \(job.title)"),
                        unless: looking == .jobs)
                }
            } else {
                heldJobs.remove(job.id)
            }
            let wasBusy = !busyJobs.isEmpty
            if Self.isBusy(job) { busyJobs.insert(job.id) } else { busyJobs.remove(job.id) }
            if wasBusy && busyJobs.isEmpty {
                queue(.init(kind: .runFinished, text: "nothing is queued or running any more"), unless: false)
            }
        case .gauges(let gauges):
            observeGauges(gauges, at: now, looking: looking)
        default:
            break
        }
    }

    /// What to announce now, if anything: everything pending as one notification, unless the
    /// previous one went out less than `digestSeconds` ago.
    public mutating func take(at now: Date) -> OperatorNotification? {
        announceLongRateLimits(at: now)
        guard !pending.isEmpty else { return nil }
        if let lastSentAt, now.timeIntervalSince(lastSentAt) < Double(settings.digestSeconds) { return nil }
        let notification = OperatorNotification(items: pending, at: now)
        pending.removeAll()
        lastSentAt = now
        return notification
    }

    /// When `take` will next have something to say without any new event (a held-back digest, a
    /// lane reaching the rate-limit threshold), so the loop can wake for it.
    public func nextDeadline() -> Date? {
        var deadlines: [Date] = []
        if !pending.isEmpty {
            deadlines.append(
                lastSentAt.map { $0.addingTimeInterval(Double(settings.digestSeconds)) } ?? .distantPast)
        }
        if !settings.channels(for: .rateLimited).isEmpty {
            for (_, lane) in limitedSince where !lane.announced {
                deadlines.append(lane.since.addingTimeInterval(Double(settings.rateLimitedAfterSeconds)))
            }
        }
        return deadlines.min()
    }

    /// The channels a notification goes to: the union of its items' kinds.
    public func channels(for notification: OperatorNotification) -> Set<NotificationChannel> {
        notification.items.reduce(into: []) { $0.formUnion(settings.channels(for: $1.kind)) }
    }

    // MARK: Internals

    private mutating func queue(_ item: OperatorNotification.Item, unless looking: Bool) {
        guard !looking, !settings.channels(for: item.kind).isEmpty else { return }
        pending.append(item)
    }

    private mutating func observeGauges(_ gauges: Gauges, at now: Date, looking: PaneID?) {
        var still: [String: (since: Date, announced: Bool)] = [:]
        for gauge in gauges.models where Self.isLimited(gauge) {
            // Looking at the gauges counts as having been told.
            let known = limitedSince[gauge.model] ?? (now, false)
            still[gauge.model] = (known.since, known.announced || looking == .gauges)
        }
        limitedSince = still
    }

    private mutating func announceLongRateLimits(at now: Date) {
        let threshold = Double(settings.rateLimitedAfterSeconds)
        for model in limitedSince.keys.sorted() {
            guard let lane = limitedSince[model], !lane.announced,
                now.timeIntervalSince(lane.since) >= threshold
            else { continue }
            limitedSince[model] = (lane.since, true)
            let minutes = Int(now.timeIntervalSince(lane.since)) / 60
            queue(
                .init(kind: .rateLimited, model: model, text: "\(model) at its limit for \(minutes) min"),
                unless: false)
        }
    }

    /// At its request or token limit, or shut off by an open circuit.
    static func isLimited(_ gauge: ModelGauge) -> Bool {
        if gauge.circuit == .open { return true }
        if let limit = gauge.requestsPerMinuteLimit, limit > 0, gauge.requestsPerMinute >= limit {
            return true
        }
        if let limit = gauge.tokensPerMinuteLimit, limit > 0, gauge.tokensPerMinute >= limit { return true }
        return false
    }

    static func isBusy(_ job: Job) -> Bool { [.queued, .running, .merging].contains(job.state) }

    private static func key(_ request: ApprovalRequest) -> String {
        "\(request.jobID.rawValue)#\(request.attempt)"
    }
}
