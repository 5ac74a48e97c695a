import Foundation
import PilothouseCore

/// The store at a glance, as `pilothouse status --json` and the MCP `status` tool give it:
/// jobs by state, spend, the oldest patch waiting for the operator, the length of the chain.
/// Keys are listed in Docs/JSON.md.
public struct StatusReport: Encodable, Sendable {
    public var repository: String
    public var jobs: [String: Int]
    public var totalJobs: Int
    public var quarantined: Int
    public var spendTotalUSD: String
    public var spendTodayUSD: String
    public var oldestAwaitingApproval: OldestApproval?
    public var beads: Int
    /// `[pipeline] allow_ungated_merge`: merges may skip check and approve.
    public var allowUngatedMerge: Bool
    /// Why the configuration could not be read, if it could not.
    public var configError: String?

    public struct OldestApproval: Encodable, Sendable {
        public var id: String
        public var title: String
        public var waitingSince: Date
    }

    /// Reads the report from `store`. A broken configuration (`config` nil, `configError`
    /// saying why) must not hide the store's state: it is reported, not thrown.
    public init(
        store: any PilothouseStore, repository: String, config: PilothouseConfig?, configError: String?
    ) throws {
        let counts = try store.jobCounts()
        let oldest = try store.jobs(state: .awaitingApproval).min { $0.updatedAt < $1.updatedAt }
        let spend = try store.spendSummary()
        self.repository = repository
        self.jobs = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        self.totalJobs = counts.values.reduce(0, +)
        self.quarantined = try store.quarantineRecords().count
        self.spendTotalUSD = spend.total.dollarsString
        self.spendTodayUSD = spend.today.dollarsString
        self.oldestAwaitingApproval = oldest.map {
            OldestApproval(id: $0.id.rawValue, title: $0.title, waitingSince: $0.updatedAt)
        }
        self.beads = Int(try store.lastBeadSeq())
        self.allowUngatedMerge = config?.engine.engine.allowUngatedMerge ?? false
        self.configError = configError
    }
}
