import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Stores a job's canonical patch for an attempt, with its bead.
    @discardableResult
    public func savePatch(_ patch: Patch) throws -> Bead {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO patches (job_id, attempt, base_commit, diff, files_changed, lines_added, lines_removed, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    patch.jobID.rawValue, patch.attempt, patch.baseCommit, patch.diff, patch.filesChanged,
                    patch.linesAdded,
                    patch.linesRemoved, SQLiteStore.millis(patch.createdAt),
                ])
            return try SQLiteStore.appendBead(
                db, jobID: patch.jobID, kind: .patchProduced, stage: .implement,
                message: "patch: \(patch.filesChanged) files, +\(patch.linesAdded) −\(patch.linesRemoved)",
                metadata: ["attempt": String(patch.attempt), "base": patch.baseCommit], at: patch.createdAt)
        }
    }

    public func latestPatch(_ id: JobID) throws -> Patch? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM patches WHERE job_id = ? ORDER BY attempt DESC, id DESC LIMIT 1",
                arguments: [id.rawValue]
            ).map { row in
                Patch(
                    jobID: id, attempt: row["attempt"], baseCommit: row["base_commit"], diff: row["diff"],
                    filesChanged: row["files_changed"], linesAdded: row["lines_added"],
                    linesRemoved: row["lines_removed"],
                    createdAt: SQLiteStore.date(row["created_at"]))
            }
        }
    }
}
