import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Stores a job's canonical patch for an attempt, with its bead.
    @discardableResult
    public func savePatch(_ patch: Patch) throws -> Bead {
        try write { tx in
            try tx.execute(
                """
                INSERT INTO patches (job_id, attempt, base_commit, diff, files_changed, lines_added, lines_removed, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [
                    patch.jobID.rawValue, patch.attempt, patch.baseCommit, patch.diff, patch.filesChanged,
                    patch.linesAdded, patch.linesRemoved, PostgresStore.millis(patch.createdAt),
                ])
            return try PostgresStore.appendBead(
                tx, jobID: patch.jobID, kind: .patchProduced, stage: .implement,
                message: "patch: \(patch.filesChanged) files, +\(patch.linesAdded) −\(patch.linesRemoved)",
                metadata: ["attempt": String(patch.attempt), "base": patch.baseCommit], at: patch.createdAt)
        }
    }

    public func latestPatch(_ id: JobID) throws -> Patch? {
        try read { tx in
            try tx.row(
                "SELECT * FROM patches WHERE job_id = $1 ORDER BY attempt DESC, id DESC LIMIT 1",
                [id.rawValue]
            )
            .map { row in
                Patch(
                    jobID: id, attempt: try row("attempt"), baseCommit: try row("base_commit"),
                    diff: try row("diff"), filesChanged: try row("files_changed"),
                    linesAdded: try row("lines_added"), linesRemoved: try row("lines_removed"),
                    createdAt: PostgresStore.date(try row("created_at")))
            }
        }
    }

    /// The newest patch's bytes inside the caller's transaction.
    static func latestDiff(_ id: JobID, in tx: PostgresTransaction) throws -> Data? {
        try tx.value(
            "SELECT diff FROM patches WHERE job_id = $1 ORDER BY attempt DESC, id DESC LIMIT 1",
            [id.rawValue],
            as: Data.self)
    }
}
