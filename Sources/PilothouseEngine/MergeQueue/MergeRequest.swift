import Foundation
import PilothouseCore

/// An approved job asking the merge queue to merge it.
public struct MergeRequest: Sendable {
    public var job: Job
    public var attempt: Int
    /// The job commit (its patch on its base).
    public var jobCommit: String
    /// The job commit's parent and tree, when known: a candidate built right on that base is
    /// the job's own tree, no three-way merge needed.
    public var jobBase: String?
    public var jobTree: String?
    /// The tree of `jobCommit` when the job's own `test` stage passed on exactly it: a
    /// candidate with the same tree (nothing merged since the job's base) is not tested again.
    public var testedTree: String?
    public var trailers: [(String, String)]
    /// Appends a bead to the job's chain (queue entry, candidate tree, test result).
    public var recordBead: @Sendable (BeadKind, String, [String: String]) async -> Void

    public init(
        job: Job, attempt: Int, jobCommit: String, jobBase: String? = nil, jobTree: String? = nil,
        testedTree: String?, trailers: [(String, String)],
        recordBead: @escaping @Sendable (BeadKind, String, [String: String]) async -> Void
    ) {
        self.job = job
        self.attempt = attempt
        self.jobCommit = jobCommit
        self.jobBase = jobBase
        self.jobTree = jobTree
        self.testedTree = testedTree
        self.trailers = trailers
        self.recordBead = recordBead
    }
}

/// What the queue did with a request.
public enum MergeVerdict: Sendable, Equatable {
    /// The integration branch moved to a tested tree containing the job's merge commit.
    case merged(MergeLanding)
    case sentBack(MergeSendBack)
    /// Git failed (or the branch is missing or checked out): nothing was published.
    case failed(MergeError)
    /// The job's merge stage was cancelled while it waited; nothing was published for it.
    case cancelled
}

/// A job's merge as it landed: its merge commit and the branch move that published it.
public struct MergeLanding: Sendable, Equatable {
    public var mergeCommit: String
    public var jobCommit: String
    /// The tested tree the branch moved to (the whole batch's, not only this job's).
    public var candidateTree: String
    public var previousTip: String
    public var newTip: String
    public var batchSize: Int
}
