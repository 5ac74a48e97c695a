import Foundation
import PilothouseEngine

/// Changes pushed to every process watching the store, by LISTEN/NOTIFY on one channel.
///
/// Every write transaction announces what it changed (`PostgresTransaction.announce`: the
/// changes of each bead it appends, a budget limit it stores) and sends them with
/// `pg_notify` as its last statement before COMMIT. PostgreSQL delivers a notification when
/// its transaction commits and never for one that rolled back, so a listener is never woken
/// by a write that did not happen, and is woken after the write is visible to its reads.
extension PostgresStore {
    /// The one channel of a store's database.
    static let changeChannel = "pilothouse_changes"
    /// The share of PostgreSQL's notification queue past which writes announce nothing.
    static let notifyQueueLimit = 0.5

    public var changeFeed: (any StoreChangeFeed)? { listener }
}

extension PostgresTransaction {
    /// Sends one notification per distinct change announced in this transaction (a plan of
    /// 500 items announces `job_queued` once), pipelined with the transaction's other
    /// statements: no round trip of its own.
    ///
    /// PostgreSQL fails every COMMIT that notifies once its notification queue (8 GB) is
    /// full, which a listener stuck in an open transaction anywhere on the server can bring
    /// about. Writes must not depend on that: past half full, nothing is announced and every
    /// engine and console falls back to polling.
    func sendAnnouncedChanges() throws {
        let payloads = announced.compactMap(\.payload).sorted()
        guard !payloads.isEmpty else { return }
        try execute(
            """
            SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload
            WHERE pg_notification_queue_usage() < \(PostgresStore.notifyQueueLimit)
            """,
            [PostgresStore.changeChannel, payloads])
    }
}
