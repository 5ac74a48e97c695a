import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Writes the outbox row of a bead that announces a webhook event, in the bead's
    /// transaction (called by `appendBead` only).
    static func enqueueOutbox(_ tx: PostgresTransaction, _ entry: OutboxEntry, for bead: Bead) throws {
        try tx.execute(
            """
            INSERT INTO outbox (delivery_id, event, bead_seq, job_id, payload, created_at, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [
                entry.deliveryID, entry.event.rawValue, bead.seq, bead.jobID?.rawValue, entry.payload,
                bead.createdAtMillis, bead.createdAtMillis,
            ])
    }

    public func dueOutbox(now: Date, limit: Int) throws -> [OutboxDelivery] {
        try read { tx in
            try tx.rows(
                """
                SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1
                ORDER BY id LIMIT $2
                """,
                [PostgresStore.millis(now), Int64(max(0, limit))]
            ).compactMap { row in
                // A row of an event this build does not know stays pending for the build that does.
                guard let event = WebhookEvent(rawValue: try row("event", as: String.self)) else {
                    return nil
                }
                return OutboxDelivery(
                    id: try row("id"), deliveryID: try row("delivery_id"), event: event,
                    jobID: try row("job_id", as: String?.self).flatMap(JobID.init),
                    payload: try row("payload"), createdAt: PostgresStore.date(try row("created_at")),
                    attempts: Int(try row("attempts", as: Int64.self)),
                    nextAttemptAt: PostgresStore.date(try row("next_attempt_at")),
                    lastError: try row("last_error", as: String?.self))
            }
        }
    }

    public func markOutboxDelivered(id: Int64, message: String) throws {
        try settleOutbox(id: id, kind: .webhookDelivered, message: message)
    }

    public func markOutboxExpired(id: Int64, message: String) throws {
        try settleOutbox(id: id, kind: .webhookExpired, message: message)
    }

    /// Takes a row out of the pending set, with the bead that says why.
    private func settleOutbox(id: Int64, kind: BeadKind, message: String) throws {
        let message = stored(message)
        try write { tx in
            guard let job = try PostgresStore.pendingOutboxJob(tx, id: id) else { return }
            try tx.execute(
                "UPDATE outbox SET delivered_at = $1, last_error = NULL WHERE id = $2",
                [PostgresStore.millis(Date()), id])
            try PostgresStore.appendBead(
                tx, jobID: job, kind: kind, message: message, metadata: ["outbox_id": String(id)])
        }
    }

    public func markOutboxFailed(id: Int64, error: String, nextAttemptAt: Date) throws {
        let error = stored(error)
        try write { tx in
            guard let job = try PostgresStore.pendingOutboxJob(tx, id: id) else { return }
            try tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
                [error, PostgresStore.millis(nextAttemptAt), id])
            try PostgresStore.appendBead(
                tx, jobID: job, kind: .webhookFailed, message: error,
                metadata: [
                    "outbox_id": String(id), "next_attempt_at": String(PostgresStore.millis(nextAttemptAt)),
                ])
        }
    }

    public func failingOutboxCount() throws -> Int {
        try read { tx in
            guard
                let row = try tx.row(
                    "SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL AND attempts > 0")
            else { return 0 }
            return Int(try row("n", as: Int64.self))
        }
    }

    /// The job of a still-pending row (`.some(nil)` for a run's event); nil when the row is
    /// gone or already delivered (another engine took it), so nothing is recorded twice.
    /// `FOR UPDATE`: two engines finishing the same row take turns.
    private static func pendingOutboxJob(_ tx: PostgresTransaction, id: Int64) throws -> JobID?? {
        guard
            let row = try tx.row(
                "SELECT job_id FROM outbox WHERE id = $1 AND delivered_at IS NULL FOR UPDATE", [id])
        else { return nil }
        return .some(try row("job_id", as: String?.self).flatMap(JobID.init))
    }
}
