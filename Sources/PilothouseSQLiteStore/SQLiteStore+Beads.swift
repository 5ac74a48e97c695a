import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Appends a bead inside the caller's write transaction and advances the chain head.
    ///
    /// Callers are already inside `write`, whose `BEGIN IMMEDIATE` holds SQLite's write lock,
    /// so reading the head and inserting after it cannot interleave with another process.
    /// Callers pass text already through `stored`; NUL is replaced here once more, before
    /// hashing, because a NUL the database cuts off would break the chain for good.
    @discardableResult
    static func appendBead(
        _ db: Database, jobID: JobID?, kind: BeadKind, stage: StageName? = nil, message: String,
        metadata: [String: String] = [:], at date: Date = Date()
    ) throws -> Bead {
        guard let head = try Row.fetchOne(db, sql: "SELECT count, last_hash FROM bead_head WHERE id = 1")
        else {
            throw StoreError.database(
                path: db.configuration.label ?? "store", detail: "the bead chain head row is missing")
        }
        let count: Int64 = head["count"]
        let lastHash: String = head["last_hash"]
        let bead = BeadHasher.seal(
            Bead(
                seq: count + 1, jobID: jobID, kind: kind, stage: stage,
                message: StoredText.withoutNUL(message),
                metadata: Dictionary(
                    metadata.map { (StoredText.withoutNUL($0.key), StoredText.withoutNUL($0.value)) },
                    uniquingKeysWith: { first, _ in first }),
                createdAtMillis: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)), prevHash: lastHash
            ))
        try db.execute(
            sql: """
                INSERT INTO beads (seq, job_id, kind, stage, message, metadata, created_at, prev_hash, hash, encoding_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                bead.seq, bead.jobID?.rawValue, bead.kind.rawValue, bead.stage?.rawValue, bead.message,
                SQLiteStore.encodeMetadata(bead.metadata), bead.createdAtMillis, bead.prevHash, bead.hash,
                bead.encodingVersion,
            ])
        try db.execute(
            sql: "UPDATE bead_head SET count = ?, last_hash = ? WHERE id = 1",
            arguments: [bead.seq, bead.hash])
        if let entry = OutboxEntry(bead: bead) { try enqueueOutbox(db, entry, for: bead) }
        return bead
    }

    /// Appends a bead that belongs to no state change (e.g. a run marker).
    @discardableResult
    public func appendBead(
        jobID: JobID?, kind: BeadKind, stage: StageName?, message: String,
        metadata: [String: String]
    ) throws -> Bead {
        try write { db in
            try SQLiteStore.appendBead(
                db, jobID: jobID, kind: kind, stage: stage, message: stored(message),
                metadata: stored.metadata(metadata))
        }
    }

    /// Beads in chain order, optionally of one job.
    public func beads(jobID: JobID?, limit: Int?) throws -> [Bead] {
        try read { db in
            var sql = "SELECT * FROM beads"
            var arguments: StatementArguments = []
            if let jobID {
                sql += " WHERE job_id = ?"
                arguments = [jobID.rawValue]
            }
            sql += " ORDER BY seq"
            if let limit { sql += " LIMIT \(max(0, limit))" }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(SQLiteStore.bead(from:))
        }
    }

    /// Walks the entire chain and reports the first break, if any; with a `checkpoint`, also
    /// whether the chain still extends it.
    public func verifyBeads(against checkpoint: BeadChainCheckpoint?) throws -> BeadChainReport {
        try read { db in try SQLiteStore.verifiedChain(db, checkpoint: checkpoint).report }
    }

    /// The checkpoint of the chain as it is now, to keep outside the database. Issued only for
    /// a chain that verifies: a checkpoint of a tampered chain would vouch for the tampering.
    public func beadCheckpoint() throws -> BeadChainCheckpoint {
        try read { db in
            let (report, checkpoint) = try SQLiteStore.verifiedChain(db, checkpoint: nil)
            guard case .broken(let problem) = report else { return checkpoint }
            throw StoreError.beadChainBroken(path: path, problem)
        }
    }

    /// Verifies the chain in one read transaction, so the report and the checkpoint describe
    /// the same state even while another process appends.
    private static func verifiedChain(_ db: Database, checkpoint: BeadChainCheckpoint?) throws -> (
        report: BeadChainReport, checkpoint: BeadChainCheckpoint
    ) {
        let beads = try Row.fetchAll(db, sql: "SELECT * FROM beads ORDER BY rowid").map(
            SQLiteStore.bead(from:))
        let head = try Row.fetchOne(db, sql: "SELECT count, last_hash FROM bead_head WHERE id = 1").map {
            BeadChainVerifier.Head(count: $0["count"], lastHash: $0["last_hash"])
        }
        let report = BeadHasher.verifier.verify(beads, head: head, checkpoint: checkpoint)
        let current = BeadChainCheckpoint(
            length: Int64(beads.count), hash: beads.last?.hash ?? Bead.genesisHash)
        return (report, current)
    }

    static func bead(from row: Row) -> Bead {
        let jobText: String? = row["job_id"]
        let stageText: String? = row["stage"]
        return Bead(
            seq: row["seq"], jobID: jobText.flatMap(JobID.init), kind: BeadKind(rawValue: row["kind"]),
            stage: stageText.map { StageName($0) }, message: row["message"],
            metadata: decodeMetadata(row["metadata"]), createdAtMillis: row["created_at"],
            prevHash: row["prev_hash"],
            hash: row["hash"], encodingVersion: row["encoding_version"])
    }

    static func encodeMetadata(_ metadata: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(metadata) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Tolerant on purpose: a hand-edited metadata column must surface in `verify` as an
    /// edit, not crash the listing.
    static func decodeMetadata(_ text: String?) -> [String: String] {
        guard let text, let data = text.data(using: .utf8) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? ["_unreadable": text]
    }
}

extension SQLiteStore {
    /// Beads appended after `seq`, in order.
    public func beads(after seq: Int64, limit: Int) throws -> [Bead] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM beads WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit]
            )
            .map(SQLiteStore.bead(from:))
        }
    }

    /// The newest `limit` beads, oldest first.
    public func recentBeads(limit: Int) throws -> [Bead] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM beads ORDER BY seq DESC LIMIT ?", arguments: [limit])
                .map(SQLiteStore.bead(from:)).reversed()
        }
    }

    public func lastBeadSeq() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM beads") ?? 0 }
    }
}
