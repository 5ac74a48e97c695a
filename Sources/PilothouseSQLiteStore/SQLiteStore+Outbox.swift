import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Writes the outbox row of a bead that announces a webhook event, in the bead's
    /// transaction (called by `appendBead` only).
    static func enqueueOutbox(_ db: Database, _ entry: OutboxEntry, for bead: Bead) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (delivery_id, event, bead_seq, job_id, payload, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                entry.deliveryID, entry.event.rawValue, bead.seq, bead.jobID?.rawValue, entry.payload,
                bead.createdAtMillis, bead.createdAtMillis,
            ])
    }

    public func dueOutbox(now: Date, limit: Int) throws -> [OutboxDelivery] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ?
                    ORDER BY id LIMIT ?
                    """,
                arguments: [SQLiteStore.millis(now), max(0, limit)]
            ).compactMap { row in
                // A row of an event this build does not know stays pending for the build that does.
                guard let event = WebhookEvent(rawValue: row["event"]) else { return nil }
                let job: String? = row["job_id"]
                return OutboxDelivery(
                    id: row["id"], deliveryID: row["delivery_id"], event: event,
                    jobID: job.flatMap(JobID.init),
                    payload: row["payload"], createdAt: SQLiteStore.date(row["created_at"]),
                    attempts: row["attempts"], nextAttemptAt: SQLiteStore.date(row["next_attempt_at"]),
                    lastError: row["last_error"])
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
        try write { db in
            guard let job = try SQLiteStore.pendingOutboxJob(db, id: id) else { return }
            try db.execute(
                sql: "UPDATE outbox SET delivered_at = ?, last_error = NULL WHERE id = ?",
                arguments: [SQLiteStore.millis(Date()), id])
            try SQLiteStore.appendBead(
                db, jobID: job, kind: kind, message: message, metadata: ["outbox_id": String(id)])
        }
    }

    public func markOutboxFailed(id: Int64, error: String, nextAttemptAt: Date) throws {
        let error = stored(error)
        try write { db in
            guard let job = try SQLiteStore.pendingOutboxJob(db, id: id) else { return }
            try db.execute(
                sql:
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                arguments: [error, SQLiteStore.millis(nextAttemptAt), id])
            try SQLiteStore.appendBead(
                db, jobID: job, kind: .webhookFailed, message: error,
                metadata: [
                    "outbox_id": String(id), "next_attempt_at": String(SQLiteStore.millis(nextAttemptAt)),
                ])
        }
    }

    public func failingOutboxCount() throws -> Int {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND attempts > 0")
                ?? 0
        }
    }

    /// The job of a still-pending row (`.some(nil)` for a run's event); nil when the row is
    /// gone or already delivered (another engine took it), so nothing is recorded twice.
    private static func pendingOutboxJob(_ db: Database, id: Int64) throws -> JobID?? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT job_id FROM outbox WHERE id = ? AND delivered_at IS NULL", arguments: [id])
        else { return nil }
        let job: String? = row["job_id"]
        return .some(job.flatMap(JobID.init))
    }
}
