import Foundation

/// What the swarm got done per minute: jobs finished, money spent, tokens used, over the last
/// 15 minutes; and from that its throughput and the time it needs to drain the queue.
///
/// Folded from the same events the console gets, timed by the events themselves (a job's
/// `updatedAt`, a bead's creation), so attaching to a running swarm fills the recent minutes
/// from the snapshot, and tests need no clock.
public struct SwarmActivity: Sendable, Hashable {
    public private(set) var finished = MinuteSeries()
    /// Micro-dollars per minute, from `cost_micros` on `model_called` beads.
    public private(set) var spend = MinuteSeries()
    /// Input plus output tokens per minute, from `tokens_in`/`tokens_out` on `model_called` beads.
    public private(set) var tokens = MinuteSeries()
    /// The earliest moment anything was observed: rates are averaged over no more than that.
    public private(set) var since: Date?

    /// Minutes a throughput is averaged over, when that much history exists.
    public static let rateWindowMinutes = 10

    public init() {}

    /// A job changed; `previous` is what the consumer held before (nil for a new job).
    public mutating func jobChanged(from previous: Job?, to job: Job) {
        note(job.updatedAt)
        if Self.isDone(job.state) && !(previous.map { Self.isDone($0.state) } ?? false) {
            finished.add(1, at: job.updatedAt)
        }
    }

    /// The snapshot's jobs: those that finished within the window count where they finished.
    public mutating func snapshot(_ jobs: [Job], at now: Date) {
        note(now)
        for job in jobs where Self.isDone(job.state) && now.timeIntervalSince(job.updatedAt) < 15 * 60 {
            finished.add(1, at: job.updatedAt)
            note(job.updatedAt)
        }
    }

    public mutating func bead(_ bead: Bead) {
        guard bead.kind == .modelCalled else { return }
        let at = Date(timeIntervalSince1970: Double(bead.createdAtMillis) / 1000)
        note(at)
        if let micros = bead.metadata["cost_micros"].flatMap(Int64.init) { spend.add(micros, at: at) }
        let used =
            (bead.metadata["tokens_in"].flatMap(Int64.init) ?? 0)
            + (bead.metadata["tokens_out"].flatMap(Int64.init) ?? 0)
        if used > 0 { tokens.add(used, at: at) }
    }

    /// Jobs finished per minute, averaged over the last `rateWindowMinutes` (or over what has
    /// been observed, when less); nil before anything finished.
    public func throughputPerMinute(at now: Date) -> Double? {
        let window = Self.rateWindowMinutes
        let done = finished.total(lastMinutes: window, endingAt: now)
        guard done > 0 else { return nil }
        let observed = since.map { max(1, now.timeIntervalSince($0) / 60) } ?? Double(window)
        return Double(done) / min(Double(window), observed)
    }

    /// Time to finish `remaining` jobs at the current throughput; nil when nothing finishes.
    public func drainTime(remaining: Int, at now: Date) -> TimeInterval? {
        guard remaining > 0 else { return 0 }
        guard let rate = throughputPerMinute(at: now), rate > 0 else { return nil }
        return Double(remaining) / rate * 60
    }

    /// Out of the swarm's hands: merged, rejected, failed, cancelled, or quarantined.
    public static func isDone(_ state: JobState) -> Bool { state.isTerminal || state == .quarantined }

    private mutating func note(_ date: Date) {
        if since.map({ date < $0 }) ?? true { since = date }
    }
}
