/// Why the merge queue returned an approved job instead of merging it, with the feedback its
/// next `implement` gets. The job never reached the integration branch.
public struct MergeSendBack: Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// Git's three-way merge could not combine the patch with the current tip.
        case conflict
        /// The candidate tree (tip + this patch, + the patches ahead of it) failed the tests.
        case testsFailed = "tests_failed"
    }

    public var reason: Reason
    /// One line for the bead and the status line.
    public var message: String
    /// What the model is told on the next attempt: the conflict with the merged text, or the
    /// failing test output.
    public var feedback: String

    public init(reason: Reason, message: String, feedback: String) {
        self.reason = reason
        self.message = message
        self.feedback = feedback
    }

    public var description: String { message }
}
