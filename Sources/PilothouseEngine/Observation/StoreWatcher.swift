import Foundation
import PilothouseCore

/// Turns another process's work on a store into the same `EngineEvent`s an engine would
/// publish, for `console --read-only`.
///
/// SQLite tells a connection nothing about commits made by other processes, so the watcher
/// polls the bead chain's head: every state change appends a bead, so a new bead is the
/// signal to reread what it touched. An idle store costs one indexed query per interval.
///
/// A store with a change feed (PostgreSQL) pushes that signal instead: the watcher rereads
/// as soon as another process commits, and polls only every `pushedInterval` while the feed
/// listens (for what appends no bead: heartbeats, spend), at `interval` while it is down.
public actor StoreWatcher {
    private let store: any PilothouseStore
    private let interval: Duration
    private let pushedInterval: Duration
    private let feed: (any StoreChangeFeed)?
    /// Whether the feed listens now; until it says so, the watcher polls.
    private var feedListening = false
    private var feedInterrupted = false
    private let wake = WakeSignal()
    private var feedTask: Task<Void, Never>?
    private let hub = EventHub()
    private var lastSeq: Int64 = 0
    private var quarantineIDs: Set<JobID> = []
    private var approvalIDs: Set<JobID> = []
    private var task: Task<Void, Never>?
    /// The last read failure shown, so a store that stays unreadable is reported once.
    private var readFailure: String?
    /// The gauges last published, refreshed every `gaugePeriod`: heartbeats and spend
    /// append no bead, so the fleet's engine list would otherwise go stale.
    private var gauges = Gauges()
    private var gaugesRead = ContinuousClock.now
    /// Reread the gauges at the next poll (a budget changed).
    private var gaugesStale = false

    /// - Parameters:
    ///   - interval: how often the store is polled without a change feed, or while it is down.
    ///   - pushedInterval: how often it is polled while the feed listens.
    public init(
        store: any PilothouseStore, interval: Duration = .milliseconds(250),
        pushedInterval: Duration = .seconds(2)
    ) {
        self.store = store
        self.interval = interval
        self.pushedInterval = pushedInterval
        self.feed = store.changeFeed
    }

    /// The least time between two reads, however fast changes are pushed (less when the
    /// watcher was asked to poll more often than that).
    static let shortestGap: Duration = .milliseconds(50)

    /// How long the next wait lasts: long while changes are pushed.
    private var waitInterval: Duration { feedListening ? pushedInterval : interval }

    /// Gauges are reread at most every second, or every four polls when polling faster.
    private var gaugePeriod: Duration { min(.seconds(1), waitInterval * 4) }

    /// A snapshot, then deltas as other processes write.
    public func events() async throws -> AsyncStream<EngineEvent> {
        let snapshot = try makeSnapshot()
        let stream = hub.subscribe(first: .snapshot(snapshot))
        if task == nil {
            if let changes = feed?.changes() {
                feedTask = Task { [weak self] in
                    for await change in changes { await self?.feedSaid(change) }
                }
            }
            task = Task { [weak self, wake] in
                var lastPoll = ContinuousClock.now
                while !Task.isCancelled {
                    guard let interval = await self?.waitInterval else { return }
                    await wake.wait(timeout: interval)
                    // A busy fleet commits many times a second: changes pushed within
                    // `shortestGap` of the last read are read together, in the next one.
                    let shortest = min(StoreWatcher.shortestGap, interval)
                    let gap = ContinuousClock.now - lastPoll
                    if gap < shortest { try? await Task.sleep(for: shortest - gap) }
                    lastPoll = ContinuousClock.now
                    await self?.poll()
                }
            }
        }
        return stream
    }

    public func stop() {
        task?.cancel()
        task = nil
        feedTask?.cancel()
        feedTask = nil
        hub.finish()
    }

    /// A pushed change: read the store now. A feed that drops or comes back says so once,
    /// so a console is never silently slower than it looks.
    private func feedSaid(_ change: StoreChange) {
        switch change {
        case .listening:
            feedListening = true
            if feedInterrupted {
                feedInterrupted = false
                hub.publish(.notice(StoreChangeFeedNotice.back(store.location)))
            }
        case .interrupted(let reason):
            feedListening = false
            if !feedInterrupted {
                feedInterrupted = true
                hub.publish(
                    .notice(StoreChangeFeedNotice.lost(store.location, reason: reason, polling: interval)))
            }
        case .budgetChanged:
            gaugesStale = true
        case .jobQueued, .approvalDecided, .jobStopped, .beadAppended:
            break
        }
        wake.signal()
    }

    private func makeSnapshot() throws -> EngineSnapshot {
        let jobs = try store.jobs()
        let quarantine = try store.quarantineRecords()
        let approvals = try jobs.filter { $0.state == .awaitingApproval }.compactMap {
            try store.approvalRequest(for: $0)
        }
        lastSeq = try store.lastBeadSeq()
        quarantineIDs = Set(quarantine.map(\.id))
        approvalIDs = Set(approvals.map(\.jobID))
        gauges = try readGauges()
        return EngineSnapshot(
            jobs: jobs, quarantine: quarantine, approvals: approvals,
            recentBeads: try store.recentBeads(limit: 500),
            gauges: gauges, state: .running)
    }

    /// Publishes what other processes changed since the last poll. A read that fails (the
    /// file locked for too long, a damaged table) is shown as a notice, once, and again when
    /// reads work: a read-only console must not go on showing a stale view in silence.
    func poll() {
        do {
            try publishChanges()
            if gaugesStale || ContinuousClock.now - gaugesRead >= gaugePeriod {
                gaugesStale = false
                gaugesRead = ContinuousClock.now
                let current = try readGauges()
                if current != gauges {
                    gauges = current
                    hub.publish(.gauges(current))
                }
            }
            if readFailure != nil {
                readFailure = nil
                hub.publish(.notice("reading \(store.location) again; the view is current"))
            }
        } catch {
            let text = String(describing: error)
            guard text != readFailure else { return }
            readFailure = text
            hub.publish(.notice("cannot read \(store.location): \(text); the view may be stale"))
        }
    }

    /// Load, spend and the fleet, as a read-only view can know them (no model rates: those live
    /// in each engine's gateway).
    private func readGauges() throws -> Gauges {
        var gauges = Gauges()
        let counts = try store.jobCounts()
        gauges.queueDepth = counts[.queued] ?? 0
        gauges.inFlight = (counts[.running] ?? 0) + (counts[.merging] ?? 0)
        let spend = try store.spendSummary()
        gauges.daySpend = spend.today
        gauges.runSpend = spend.total
        gauges.engines = try store.engines()
        return gauges
    }

    private func publishChanges() throws {
        let beads = try store.beads(after: lastSeq)
        guard !beads.isEmpty else { return }
        var touched: Set<JobID> = []
        for bead in beads {
            hub.publish(.beadAppended(bead))
            if let job = bead.jobID { touched.insert(job) }
            lastSeq = bead.seq
        }
        for id in touched.sorted() {
            guard let job = try store.job(id) else { continue }
            hub.publish(.jobChanged(job))
            if job.state == .awaitingApproval, !approvalIDs.contains(id),
                let request = try store.approvalRequest(for: job)
            {
                approvalIDs.insert(id)
                hub.publish(.approvalRequested(request))
            } else if job.state != .awaitingApproval, approvalIDs.remove(id) != nil {
                hub.publish(.approvalResolved(id))
            }
        }
        let records = try store.quarantineRecords()
        let current = Set(records.map(\.id))
        for record in records where !quarantineIDs.contains(record.id) {
            hub.publish(.quarantineAdded(record))
        }
        for id in quarantineIDs.subtracting(current) { hub.publish(.quarantineRemoved(id)) }
        quarantineIDs = current
    }
}
