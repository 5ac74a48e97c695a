import Foundation

/// What an operator can ask of the engine, from the console or the command line.
///
/// Commands are Core values so the console can send them without importing the engine.
public enum OperatorCommand: Sendable, Hashable, Codable, CustomStringConvertible {
    case approve(JobID)
    /// Approve only some hunks of the patch (indices into the parsed diff's hunks, in order).
    case approveHunks(JobID, [Int])
    case reject(JobID, reason: String)
    /// A rejection with the operator's line comments from the diff viewer: each becomes a
    /// `comment` bead, and all of them go to the model with the reason.
    case rejectWithComments(JobID, reason: String, comments: [LineComment])
    /// Replaces a waiting patch with the operator's edit of it; the job runs again from a
    /// fresh worktree with that patch, so it passes check, review and test before approval.
    case editPatch(JobID, diff: Data)
    case retry(JobID)
    case cancel(JobID)
    case pause(JobID)
    case resume(JobID)
    case pauseEngine
    case resumeEngine
    case releaseQuarantine(JobID)
    /// Requeues the record's job with fresh tries; a `note` reaches the model in the next
    /// attempt's prompt as a reject reason would.
    case retryQuarantine(JobID, note: String? = nil)
    case dropQuarantine(JobID, reason: String)
    /// Sets (or with `nil` removes) an enforced budget for `scope` (`run`, `day`, `job`).
    case setBudget(scope: String, limit: Money?)

    public var description: String {
        switch self {
        case .approve(let id): "approve \(id.short)"
        case .approveHunks(let id, let hunks):
            "approve \(hunks.count) hunk\(hunks.count == 1 ? "" : "s") of \(id.short)"
        case .reject(let id, _): "reject \(id.short)"
        case .rejectWithComments(let id, _, let comments):
            "reject \(id.short) with \(comments.count) comment\(comments.count == 1 ? "" : "s")"
        case .editPatch(let id, _): "edit the patch of \(id.short)"
        case .retry(let id): "retry \(id.short)"
        case .cancel(let id): "cancel \(id.short)"
        case .pause(let id): "pause \(id.short)"
        case .resume(let id): "resume \(id.short)"
        case .pauseEngine: "pause engine"
        case .resumeEngine: "resume engine"
        case .releaseQuarantine(let id): "release \(id.short)"
        case .retryQuarantine(let id, let note):
            note?.isEmpty == false ? "retry record \(id.short) with a note" : "retry record \(id.short)"
        case .dropQuarantine(let id, _): "drop \(id.short)"
        case .setBudget(let scope, let limit): "set \(scope) budget to \(limit?.description ?? "none")"
        }
    }
}

/// How a command went, for the console's status line and the CLI's exit code.
public struct CommandOutcome: Sendable, Hashable, Codable {
    public var command: OperatorCommand
    public var succeeded: Bool
    public var message: String

    public init(command: OperatorCommand, succeeded: Bool, message: String) {
        self.command = command
        self.succeeded = succeeded
        self.message = message
    }
}
