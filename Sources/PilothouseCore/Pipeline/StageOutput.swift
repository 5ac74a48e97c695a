import Foundation

/// What a stage produced, persisted with the job and shown in the console.
public enum StageOutput: Sendable, Hashable, Codable {
    case none
    case text(String)
    case plan(String)
    /// A patch is referenced by its attempt; the diff itself is in the `patches` table.
    case patch(PatchSummary)
    case review(ReviewScore)
    case tests(TestSummary)
    case policy(PolicyReport)
    case merged(commit: String)
}

/// A patch's size, as lists show it.
public struct PatchSummary: Sendable, Hashable, Codable {
    public var attempt: Int
    public var filesChanged: Int
    public var linesAdded: Int
    public var linesRemoved: Int
    public init(attempt: Int, filesChanged: Int, linesAdded: Int, linesRemoved: Int) {
        self.attempt = attempt
        self.filesChanged = filesChanged
        self.linesAdded = linesAdded
        self.linesRemoved = linesRemoved
    }
}

/// A reviewer's 1–10 score overall and per named dimension (correctness, safety, style…).
public struct ReviewScore: Sendable, Hashable, Codable {
    public var overall: Int
    public var dimensions: [String: Int]
    public var summary: String
    public init(overall: Int, dimensions: [String: Int] = [:], summary: String = "") {
        self.overall = min(10, max(1, overall))
        self.dimensions = dimensions.mapValues { min(10, max(1, $0)) }
        self.summary = summary
    }
}

/// The repository's tests as run in the job's worktree.
public struct TestSummary: Sendable, Hashable, Codable {
    public var passed: Bool
    public var passedCount: Int?
    public var failedCount: Int?
    public var durationMillis: Int
    /// The end of the (redacted) output, bounded.
    public var outputTail: String
    public init(
        passed: Bool, passedCount: Int? = nil, failedCount: Int? = nil, durationMillis: Int = 0,
        outputTail: String = ""
    ) {
        self.passed = passed
        self.passedCount = passedCount
        self.failedCount = failedCount
        self.durationMillis = durationMillis
        self.outputTail = outputTail
    }
}

/// What the policy check found; an empty `violations` means the patch may proceed.
public struct PolicyReport: Sendable, Hashable, Codable {
    public var violations: [String]
    public var flags: [String]
    public init(violations: [String] = [], flags: [String] = []) {
        self.violations = violations
        self.flags = flags
    }
}
