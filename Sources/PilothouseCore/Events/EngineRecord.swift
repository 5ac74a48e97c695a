import Foundation

/// One engine working on a store, as the fleet sees it: where it runs, since when, when it last
/// gave a sign of life, and how many jobs it holds. Engines on several machines share a store;
/// this is how an operator (and `pilothouse engines`, and the gauges pane) tells them apart.
public struct EngineRecord: Sendable, Hashable, Codable, Identifiable {
    /// The engine's lease owner name: what its claims carry in `jobs.lease_owner`.
    public var owner: String
    public var host: String
    public var pid: Int32
    public var version: String
    public var startedAt: Date
    public var heartbeatAt: Date
    /// How long its leases last: an engine silent for longer is lost.
    public var leaseSeconds: Int
    /// Jobs running or merging under its lease (filled in by the store when read).
    public var jobsHeld: Int

    public var id: String { owner }

    public init(
        owner: String, host: String, pid: Int32, version: String, startedAt: Date, heartbeatAt: Date,
        leaseSeconds: Int, jobsHeld: Int = 0
    ) {
        self.owner = owner
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.leaseSeconds = leaseSeconds
        self.jobsHeld = jobsHeld
    }

    /// Whether the engine stopped giving signs of life: no heartbeat for longer than its
    /// lease. Its jobs come back to the queue when another engine reclaims them.
    public func isLost(at now: Date) -> Bool {
        now.timeIntervalSince(heartbeatAt) > Double(leaseSeconds)
    }
}
