import Foundation
import PilothouseCore

/// What `pilothouse gc` asks of the store: each job's last activity, and deletion of old
/// transcripts and cache entries.
public protocol RetentionStore: Sendable {
    /// Every job's activity.
    func jobActivity() throws -> [JobID: JobActivity]

    /// One job's activity, read afresh (gc reads it again under its lock before removing).
    func jobActivity(of id: JobID) throws -> JobActivity?

    /// Deletes the transcripts of `jobs`, and those of no job written before `cutoff`;
    /// returns how many went (with `dryRun`, would go).
    func deleteTranscripts(of jobs: [JobID], unattachedBefore cutoff: Date, dryRun: Bool) throws -> Int

    /// Deletes response-cache entries not used since `cutoff`; returns how many went.
    func deleteCacheEntries(unusedSince cutoff: Date, dryRun: Bool) throws -> Int

    /// Deletes webhook outbox rows settled (delivered or expired) before `cutoff`, or counts
    /// them with `dryRun`; rows still pending are never touched. Their beads stay in the chain.
    func deleteSettledOutbox(settledBefore cutoff: Date, dryRun: Bool) throws -> Int
}
