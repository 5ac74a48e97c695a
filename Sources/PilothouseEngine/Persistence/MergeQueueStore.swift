import Foundation
import PilothouseCore

/// The merge queue's durable part: entries, batches under test, landings, tested trees.
public protocol MergeQueueStore: Sendable {
    /// Puts an approved job in the merge queue, or finds it there after a restart (then it is
    /// waiting again: a batch test that was running died with its engine). The approval time
    /// is the approval's own, so a restart does not send the job to the back of the queue.
    /// Returns when the job was approved, and whether it entered just now.
    func enterMergeQueue(_ job: Job, attempt: Int) throws -> (approvedAt: Date, entered: Bool)

    /// Marks `batch` as the jobs under test on `tree`, and the rest of `ours` (the jobs this
    /// engine's queue holds) as waiting; rows of jobs other engines hold are left alone.
    func markMergeBatch(_ batch: [JobID], tree: String?, ours: [JobID]) throws

    /// Takes a job out of the queue without a decision (cancelled, paused, its stage gave up).
    func leaveMergeQueue(_ id: JobID) throws

    /// Records a landed batch: one `merge_records` row per job (a job merged before makes the
    /// whole transaction fail: nothing merges twice on the store's side either) and the jobs
    /// leave the queue. Called after the branch moved; git stays the authority, so a crash
    /// before this write is repaired by `recordRecoveredMerge` when the job's merge resumes.
    func recordLanding(_ landings: [(job: JobID, landing: MergeLanding)]) throws

    /// A merge git already has (found on the branch after a crash) that the store has not
    /// recorded yet; a record already there is kept as it is.
    func recordRecoveredMerge(_ id: JobID, mergeCommit: String, tip: String) throws

    /// The merge commit recorded for `id`, if its merge landed.
    func mergeRecord(_ id: JobID) throws -> String?

    /// The remembered result of testing `tree` with `command`.
    func mergeTest(tree: String, command: String) throws -> (passed: Bool, output: String)?

    func recordMergeTest(tree: String, command: String, passed: Bool, output: String) throws

    @discardableResult
    func sendBackFromMergeQueue(_ id: JobID, feedback: String, message: String, finalState: JobState) throws
        -> Bool

    /// The queue as stored: approved jobs still merging, in queue order, with the batch under
    /// test. What `pilothouse queue` shows, from any process.
    func mergeQueueStatus(batchSize: Int) throws -> MergeQueueStatus
}
