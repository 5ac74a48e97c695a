import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    public func beginRun(_ header: RunHeader) throws {
        try write { db in
            try db.execute(
                sql:
                    "INSERT INTO runs (id, started_at, pilothouse_version, repo_head, config_hash, seed) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    header.id.rawValue, SQLiteStore.millis(header.startedAt), header.pilothouseVersion,
                    header.repoHead,
                    header.configHash, Int64(bitPattern: header.seed),
                ])
            try SQLiteStore.appendBead(
                db, jobID: nil, kind: .runStarted, message: "run \(header.id.short) started",
                metadata: [
                    "run": header.id.rawValue, "head": header.repoHead, "config": header.configHash,
                    "seed": String(header.seed),
                ],
                at: header.startedAt)
        }
    }

    public func endRun(_ id: JobID, exitCode: Int32, at date: Date) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET ended_at = ?, exit_code = ? WHERE id = ?",
                arguments: [SQLiteStore.millis(date), exitCode, id.rawValue])
            try SQLiteStore.appendBead(
                db, jobID: nil, kind: .runFinished, message: "run \(id.short) finished (exit \(exitCode))",
                metadata: ["run": id.rawValue, "exit": String(exitCode)], at: date)
        }
    }
}
