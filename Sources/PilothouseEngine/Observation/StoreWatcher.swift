import Foundation
import PilothouseCore

/// Turns another process's work on a store into the same `EngineEvent`s an engine would
/// publish, for `console --read-only`.
///
/// SQLite tells a connection nothing about commits made by other processes, so the watcher
/// polls the bead chain's head: every state change appends a bead, so a new bead is the
/// signal to reread what it touched. An idle store costs one indexed query per interval.
public actor StoreWatcher {
    private let store: any PilothouseStore
    private let interval: Duration
    private let hub = EventHub()
    private var lastSeq: Int64 = 0
    private var quarantineIDs: Set<JobID> = []
    private var approvalIDs: Set<JobID> = []
    private var task: Task<Void, Never>?
    /// The last read failure shown, so a store that stays unreadable is reported once.
    private var readFailure: String?
    /// The gauges last published, refreshed every `gaugeEvery` polls: heartbeats and spend
    /// append no bead, so the fleet's engine list would otherwise go stale.
    private var gauges = Gauges()
    private var polls = 0
    private static let gaugeEvery = 4

    public init(store: any PilothouseStore, interval: Duration = .milliseconds(250)) {
        self.store = store
        self.interval = interval
    }

    /// A snapshot, then deltas as other processes write.
    public func events() async throws -> AsyncStream<EngineEvent> {
        let snapshot = try makeSnapshot()
        let stream = hub.subscribe(first: .snapshot(snapshot))
        if task == nil {
            task = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: self?.interval ?? .seconds(1))
                    await self?.poll()
                }
            }
        }
        return stream
    }

    public func stop() {
        task?.cancel()
        task = nil
        hub.finish()
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
            polls += 1
            if polls % Self.gaugeEvery == 0 {
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
