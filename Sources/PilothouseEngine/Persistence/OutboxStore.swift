import Foundation
import PilothouseCore

/// One event waiting in the outbox for its webhook receivers.
public struct OutboxDelivery: Sendable, Equatable {
    public var id: Int64
    /// Stable across retries (`X-Pilothouse-Delivery`): receivers deduplicate by it.
    public var deliveryID: String
    public var event: WebhookEvent
    public var jobID: JobID?
    /// `WebhookPayload` as JSON.
    public var payload: String
    public var createdAt: Date
    /// Failed attempts so far.
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?

    public init(
        id: Int64, deliveryID: String, event: WebhookEvent, jobID: JobID?, payload: String, createdAt: Date,
        attempts: Int, nextAttemptAt: Date, lastError: String?
    ) {
        self.id = id
        self.deliveryID = deliveryID
        self.event = event
        self.jobID = jobID
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// The durable webhook outbox. Rows are written by `appendBead` in the transaction of the
/// bead they announce (see `OutboxEntry`), so an event is never lost to a crash between the
/// change and its delivery; a row leaves the pending set only when delivered. At least once:
/// an engine killed after a receiver's 2xx but before `markOutboxDelivered` sends it again.
public protocol OutboxStore: Sendable {
    /// Undelivered rows whose next attempt is at or before `now`, oldest first.
    func dueOutbox(now: Date, limit: Int) throws -> [OutboxDelivery]

    /// Every subscribed receiver took the delivery: it leaves the outbox's pending set, with a
    /// `webhook_delivered` bead saying `message`.
    func markOutboxDelivered(id: Int64, message: String) throws

    /// The delivery is abandoned unsent (too old to matter, `WebhookDeliverer.maxAge`): it
    /// leaves the pending set, with a `webhook_expired` bead saying `message`.
    func markOutboxExpired(id: Int64, message: String) throws

    /// An attempt failed: counts it, records `error` and when to try again, with a
    /// `webhook_failed` bead, in one transaction.
    func markOutboxFailed(id: Int64, error: String, nextAttemptAt: Date) throws

    /// Undelivered rows that failed at least once (the gauges' "webhooks failing").
    func failingOutboxCount() throws -> Int
}
