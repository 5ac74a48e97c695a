import Foundation

/// What the merge queue holds right now, for the console's queue view, `pilothouse queue` and
/// the gauges: approved jobs in queue order, and the batch whose candidate tree is under test.
public struct MergeQueueStatus: Sendable, Hashable, Codable {
    /// One approved job waiting in the queue or in the batch under test.
    public struct Entry: Sendable, Hashable, Codable {
        public var jobID: JobID
        public var title: String
        public var priority: Priority
        /// When the job was approved: the queue's order after priority.
        public var approvedAt: Date
        /// Part of the batch whose candidate tree is being tested.
        public var testing: Bool

        public init(jobID: JobID, title: String, priority: Priority, approvedAt: Date, testing: Bool) {
            self.jobID = jobID
            self.title = title
            self.priority = priority
            self.approvedAt = approvedAt
            self.testing = testing
        }
    }

    /// Queue order: priority (P0 first), then approval time.
    public var entries: [Entry]
    /// `[merge_queue] batch_size`: how many approved jobs are tested together at most.
    public var batchSize: Int
    /// When the test of the current candidate tree started; nil while nothing is tested.
    public var testingSince: Date?
    /// The tree hash under test.
    public var candidateTree: String?

    public init(
        entries: [Entry] = [], batchSize: Int = 0, testingSince: Date? = nil, candidateTree: String? = nil
    ) {
        self.entries = entries
        self.batchSize = batchSize
        self.testingSince = testingSince
        self.candidateTree = candidateTree
    }

    /// The jobs of the batch under test, in queue order.
    public var batch: [Entry] { entries.filter(\.testing) }

    /// 1-based position of `job` in the queue, if it is queued.
    public func position(of job: JobID) -> Int? {
        entries.firstIndex { $0.jobID == job }.map { $0 + 1 }
    }
}
