/// `[merge_queue]`: how approved jobs reach the integration branch.
///
/// Every approved job enters the queue; the queue tests the candidate tree (integration tip
/// plus up to `batch_size` approved patches) and moves the branch only to a tree whose tests
/// passed. A failing batch is bisected, so one bad patch does not hold back the others.
public struct MergeQueueSection: Sendable, Equatable {
    /// Approved jobs tested together at most; 1 tests every job on its own.
    public var batchSize = 8
    /// Whether candidate trees are tested at all (`false`: the queue only orders and merges,
    /// trusting each job's own test, as before the queue existed).
    public var testCandidates = true

    public init(batchSize: Int = 8, testCandidates: Bool = true) {
        self.batchSize = batchSize
        self.testCandidates = testCandidates
    }

    static func read(_ reader: inout ConfigReader, into section: inout MergeQueueSection) throws(ConfigError)
    {
        try reader.section("merge_queue") { (table: inout ConfigReader.Section) throws(ConfigError) in
            if let value = try table.int("batch_size", range: 1...100) { section.batchSize = value }
            if let value = try table.bool("test_candidates") { section.testCandidates = value }
        }
    }
}
