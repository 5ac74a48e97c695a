import Foundation
import PilothouseCore

/// What one `pilothouse gc` removed (or, with `--dry-run`, would remove). Encoded as
/// `gc --json` prints it (snake_case keys; see Docs/OPERATIONS.md).
public struct GarbageReport: Sendable, Equatable, Codable {
    /// One job whose worktree or refs went.
    public struct CollectedJob: Sendable, Equatable, Codable {
        public var job: String
        /// The job's state, or `unknown` for a worktree or branch of a job the store does not know.
        public var state: String
        /// The job's last event (ISO 8601); nil for an unknown job.
        public var lastEvent: String?
        public var worktree: Bool
        public var refs: [String]
        /// Bytes of the worktree's files.
        public var bytes: Int64
    }

    public var dryRun: Bool
    public var olderThanSeconds: Int
    public var jobs: [CollectedJob] = []
    /// Jobs with a worktree or refs left alone because they are active or held (queued,
    /// running, awaiting approval, merging, needing a rebase, paused, on budget hold).
    public var keptActive = 0
    /// Finished jobs left alone because their last event is more recent than the age.
    public var keptRecent = 0
    public var transcriptsDeleted = 0
    public var cacheEntriesDeleted = 0
    /// Webhook outbox rows delivered or expired before the cutoff.
    public var outboxRowsDeleted = 0
    public var bytesFreed: Int64 = 0
    /// Merge-queue candidate checkouts of engines that are gone from this host, removed.
    public var staleCheckouts: [String] = []

    public init(dryRun: Bool, olderThan: TimeInterval) {
        self.dryRun = dryRun
        self.olderThanSeconds = Int(olderThan)
    }
}
