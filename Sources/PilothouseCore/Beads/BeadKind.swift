/// What a bead records. An open set: stages and the gateway add their own kinds.
public struct BeadKind: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let jobCreated: BeadKind = "job_created"
    public static let jobUpdated: BeadKind = "job_updated"
    public static let stateChanged: BeadKind = "state_changed"
    public static let stageStarted: BeadKind = "stage_started"
    public static let stageFinished: BeadKind = "stage_finished"
    public static let stageFailed: BeadKind = "stage_failed"
    public static let stageSlow: BeadKind = "stage_slow"
    public static let modelCalled: BeadKind = "model_called"
    /// A provider refused for rate or load; the job's call waits until the resume time.
    public static let modelWaiting: BeadKind = "model_waiting"
    /// The prompt did not fit the model's window; the stage retries once with less context.
    public static let contextReduced: BeadKind = "context_reduced"
    public static let patchProduced: BeadKind = "patch_produced"
    public static let patchApproved: BeadKind = "patch_approved"
    public static let patchRejected: BeadKind = "patch_rejected"
    /// An operator's comment on a line of a patch, sent to the model with a rejection.
    public static let comment: BeadKind = "comment"
    /// An operator replaced a waiting patch with an edit of it.
    public static let patchEdited: BeadKind = "patch_edited"
    public static let merged: BeadKind = "merged"
    /// An approved job entered the merge queue.
    public static let queueEntered: BeadKind = "queue_entered"
    /// The merge queue built a candidate tree (integration tip + a batch) and tests it.
    public static let queueTesting: BeadKind = "queue_testing"
    /// The result of testing a candidate tree (or the remembered result of that tree).
    public static let queueTested: BeadKind = "queue_tested"
    /// The merge queue sent a job back (conflict, or tests failed on the candidate tree).
    public static let queueSentBack: BeadKind = "queue_sent_back"
    public static let quarantined: BeadKind = "quarantined"
    public static let quarantineReleased: BeadKind = "quarantine_released"
    public static let quarantineDropped: BeadKind = "quarantine_dropped"
    public static let leaseReclaimed: BeadKind = "lease_reclaimed"
    public static let runStarted: BeadKind = "run_started"
    public static let runFinished: BeadKind = "run_finished"
    /// A `[[schedules]]` entry fired (its slot, what it did).
    public static let scheduleFired: BeadKind = "schedule_fired"
    /// Every subscribed `[[webhooks]]` receiver acknowledged an outbox delivery (2xx).
    public static let webhookDelivered: BeadKind = "webhook_delivered"
    /// A webhook delivery failed; it stays in the outbox and is retried with backoff.
    public static let webhookFailed: BeadKind = "webhook_failed"
    /// A webhook delivery left the outbox unsent: older than the deliverer's maximum age.
    public static let webhookExpired: BeadKind = "webhook_expired"
    /// An operator set or removed an enforced budget.
    public static let budgetSet: BeadKind = "budget_set"

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
