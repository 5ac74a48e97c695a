import Foundation

/// Why a record was quarantined; stable codes that reports and filters use.
public enum QuarantineReason: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case malformedOutput = "malformed_output"
    case policyViolation = "policy_violation"
    case pathEscape = "path_escape"
    case secretDetected = "secret_detected"
    case patchDoesNotApply = "patch_does_not_apply"
    case maxAttempts = "max_attempts"
    case budgetExceeded = "budget_exceeded"
    case stageFailed = "stage_failed"
    /// The prompt did not fit the model's context window, even with less context.
    case contextTooLarge = "context_too_large"

    public var description: String { rawValue }
}

/// Something that must not proceed and must not be lost, waiting for an operator.
public struct QuarantineRecord: Identifiable, Hashable, Codable, Sendable {
    public var id: JobID
    public var jobID: JobID?
    public var reason: QuarantineReason
    /// One line an operator can act on.
    public var message: String
    /// The offending material (already redacted), e.g. the model output or the policy lines.
    public var payload: String
    public var createdAt: Date

    public init(
        id: JobID = JobID(), jobID: JobID?, reason: QuarantineReason, message: String, payload: String = "",
        createdAt: Date = Date()
    ) {
        self.id = id
        self.jobID = jobID
        self.reason = reason
        self.message = message
        self.payload = payload
        self.createdAt = createdAt
    }
}
