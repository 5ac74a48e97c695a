import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Appends a bead inside the caller's write transaction and advances the chain head.
    ///
    /// The caller's transaction locked the head row first (`write(locking: .chain)`) and
    /// holds it to its commit, so reading the head and inserting after it cannot interleave
    /// with another engine. Callers pass text already through `stored`;
    /// NUL is replaced here once more, before hashing, because PostgreSQL refuses it in text.
    @discardableResult
    static func appendBead(
        _ tx: PostgresTransaction, jobID: JobID?, kind: BeadKind, stage: StageName? = nil, message: String,
        metadata: [String: String] = [:], at date: Date = Date()
    ) throws -> Bead {
        let head = try tx.chainHead()
        let bead = BeadHasher.seal(
            Bead(
                seq: head.count + 1, jobID: jobID, kind: kind, stage: stage,
                message: StoredText.withoutNUL(message),
                metadata: Dictionary(
                    metadata.map { (StoredText.withoutNUL($0.key), StoredText.withoutNUL($0.value)) },
                    uniquingKeysWith: { first, _ in first }),
                createdAtMillis: millis(date), prevHash: head.lastHash))
        try tx.execute(
            """
            INSERT INTO beads (seq, job_id, kind, stage, message, metadata, created_at, prev_hash, hash, encoding_version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                bead.seq, bead.jobID?.rawValue, bead.kind.rawValue, bead.stage?.rawValue, bead.message,
                StoreEncoding.encodeMetadata(bead.metadata), bead.createdAtMillis, bead.prevHash, bead.hash,
                bead.encodingVersion,
            ])
        try tx.execute("UPDATE bead_head SET count = $1, last_hash = $2 WHERE id = 1", [bead.seq, bead.hash])
        tx.advanceChain(to: bead.seq, lastHash: bead.hash)
        tx.announce(StoreChange.announced(by: bead))
        if let entry = OutboxEntry(bead: bead) { try enqueueOutbox(tx, entry, for: bead) }
        return bead
    }

    /// Appends a bead that belongs to no state change (e.g. a run marker).
    @discardableResult
    public func appendBead(
        jobID: JobID?, kind: BeadKind, stage: StageName?, message: String, metadata: [String: String]
    ) throws -> Bead {
        try write { tx in
            try PostgresStore.appendBead(
                tx, jobID: jobID, kind: kind, stage: stage, message: stored(message),
                metadata: stored.metadata(metadata))
        }
    }

    /// Beads in chain order, optionally of one job.
    public func beads(jobID: JobID?, limit: Int?) throws -> [Bead] {
        try read { tx in
            let limit = limit.map { " LIMIT \(max(0, $0))" } ?? ""
            if let jobID {
                return try tx.rows(
                    "SELECT * FROM beads WHERE job_id = $1 ORDER BY seq" + limit, [jobID.rawValue]
                )
                .map(PostgresStore.bead(from:))
            }
            return try tx.rows("SELECT * FROM beads ORDER BY seq" + limit).map(PostgresStore.bead(from:))
        }
    }

    /// Walks the entire chain and reports the first break, if any; with a `checkpoint`, also
    /// whether the chain still extends it.
    public func verifyBeads(against checkpoint: BeadChainCheckpoint?) throws -> BeadChainReport {
        try read { tx in try PostgresStore.verifiedChain(tx, checkpoint: checkpoint).report }
    }

    /// The checkpoint of the chain as it is now, to keep outside the database. Issued only for
    /// a chain that verifies: a checkpoint of a tampered chain would vouch for the tampering.
    public func beadCheckpoint() throws -> BeadChainCheckpoint {
        try read { tx in
            let (report, checkpoint) = try PostgresStore.verifiedChain(tx, checkpoint: nil)
            guard case .broken(let problem) = report else { return checkpoint }
            throw StoreError.beadChainBroken(path: location, problem)
        }
    }

    /// Verifies the chain in one snapshot, so the report and the checkpoint describe the same
    /// state even while other engines append.
    private static func verifiedChain(_ tx: PostgresTransaction, checkpoint: BeadChainCheckpoint?) throws -> (
        report: BeadChainReport, checkpoint: BeadChainCheckpoint
    ) {
        let beads = try tx.rows("SELECT * FROM beads ORDER BY seq").map(PostgresStore.bead(from:))
        let head = try tx.row("SELECT count, last_hash FROM bead_head WHERE id = 1").map {
            BeadChainVerifier.Head(count: try $0("count"), lastHash: try $0("last_hash"))
        }
        let report = BeadHasher.verifier.verify(beads, head: head, checkpoint: checkpoint)
        let current = BeadChainCheckpoint(
            length: Int64(beads.count), hash: beads.last?.hash ?? Bead.genesisHash)
        return (report, current)
    }

    static func bead(from row: PostgresStoreRow) throws -> Bead {
        let jobText: String? = try row("job_id")
        let stageText: String? = try row("stage")
        return Bead(
            seq: try row("seq"), jobID: jobText.flatMap(JobID.init),
            kind: BeadKind(rawValue: try row("kind")),
            stage: stageText.map { StageName($0) }, message: try row("message"),
            metadata: StoreEncoding.decodeMetadata(try row("metadata")),
            createdAtMillis: try row("created_at"),
            prevHash: try row("prev_hash"), hash: try row("hash"),
            encodingVersion: Int(try row("encoding_version", as: Int64.self)))
    }

    /// Beads appended after `seq`, in order.
    public func beads(after seq: Int64, limit: Int) throws -> [Bead] {
        try read { tx in
            try tx.rows("SELECT * FROM beads WHERE seq > $1 ORDER BY seq LIMIT $2", [seq, limit])
                .map(PostgresStore.bead(from:))
        }
    }

    /// The newest `limit` beads, oldest first.
    public func recentBeads(limit: Int) throws -> [Bead] {
        try read { tx in
            try tx.rows("SELECT * FROM beads ORDER BY seq DESC LIMIT $1", [limit]).map(
                PostgresStore.bead(from:)
            )
            .reversed()
        }
    }

    public func lastBeadSeq() throws -> Int64 {
        try read { tx in try tx.value("SELECT MAX(seq) FROM beads", as: Int64.self) ?? 0 }
    }

    static func millis(_ date: Date) -> Int64 { StoreEncoding.millis(date) }
    static func date(_ millis: Int64) -> Date { StoreEncoding.date(millis) }
}
