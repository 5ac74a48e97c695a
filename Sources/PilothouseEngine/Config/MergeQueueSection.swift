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
    /// The git remote whose integration branch is the fleet's (`SharedRemote`): engines in
    /// separate clones fetch it before each batch and land by an atomic push with a lease.
    /// nil: this repository's own branch is the integration branch.
    public var remote: String?

    public init(batchSize: Int = 8, testCandidates: Bool = true, remote: String? = nil) {
        self.batchSize = batchSize
        self.testCandidates = testCandidates
        self.remote = remote
    }

    static func read(_ reader: inout ConfigReader, into section: inout MergeQueueSection) throws(ConfigError)
    {
        try reader.section("merge_queue") { (table: inout ConfigReader.Section) throws(ConfigError) in
            if let value = try table.int("batch_size", range: 1...100) { section.batchSize = value }
            if let value = try table.bool("test_candidates") { section.testCandidates = value }
            // Whether this clone has the remote is checked when the engine starts
            // (`SharedRemote.init`); the file alone cannot say.
            if let remote = try table.string("remote") {
                guard SharedRemote.isValidName(remote) else {
                    throw table.invalid("remote", remote, expected: "a remote name such as \"origin\"")
                }
                section.remote = remote
            }
        }
    }
}
