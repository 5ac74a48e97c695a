/// When the engine may approve a patch without the operator: off by default.
///
/// Every condition must hold: a review score at or above the threshold, tests run and
/// passed, no policy flags, and a category the operator allowed.
public struct AutoApproveRule: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var minimumScore: Int
    /// Categories that may be auto-approved; empty means all.
    public var categories: Set<JobCategory>

    public init(enabled: Bool = false, minimumScore: Int = 8, categories: Set<JobCategory> = []) {
        self.enabled = enabled
        self.minimumScore = minimumScore
        self.categories = categories
    }

    public static let off = AutoApproveRule()

    /// `nil` when the patch may go through; otherwise why the operator must decide.
    public func refusal(
        review: ReviewScore?, tests: TestSummary?, policy: PolicyReport?, category: JobCategory
    ) -> String? {
        guard enabled else { return "auto-approve is off" }
        guard let review else { return "no review score" }
        if review.overall < minimumScore { return "review score \(review.overall) is below \(minimumScore)" }
        guard let tests else { return "tests did not run" }
        if !tests.passed { return "tests failed" }
        if let policy, !policy.flags.isEmpty || !policy.violations.isEmpty {
            return "policy flagged: \((policy.violations + policy.flags).joined(separator: "; "))"
        }
        if !categories.isEmpty && !categories.contains(category) {
            return "category \(category) is not auto-approved"
        }
        return nil
    }
}

/// What a rejection with a reason does.
public enum RejectPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// The reason goes back to `implement` as feedback for a new attempt (while attempts remain).
    case retryWithFeedback = "retry"
    /// The job ends as rejected.
    case end
}
