import Foundation

/// A job's change: `git diff --binary <base>` of its worktree, with a summary.
public struct Patch: Hashable, Codable, Sendable {
    public var jobID: JobID
    public var attempt: Int
    /// The commit the job's worktree started from.
    public var baseCommit: String
    /// The diff bytes exactly as git produced them (may hold non-UTF-8 bytes).
    public var diff: Data
    public var filesChanged: Int
    public var linesAdded: Int
    public var linesRemoved: Int
    public var createdAt: Date

    public init(
        jobID: JobID, attempt: Int, baseCommit: String, diff: Data, filesChanged: Int = 0,
        linesAdded: Int = 0,
        linesRemoved: Int = 0, createdAt: Date = Date()
    ) {
        self.jobID = jobID
        self.attempt = attempt
        self.baseCommit = baseCommit
        self.diff = diff
        self.filesChanged = filesChanged
        self.linesAdded = linesAdded
        self.linesRemoved = linesRemoved
        self.createdAt = createdAt
    }
}
