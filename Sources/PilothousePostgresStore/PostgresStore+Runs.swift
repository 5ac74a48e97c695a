import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    public func beginRun(_ header: RunHeader) throws {
        try write { tx in
            try tx.execute(
                """
                INSERT INTO runs (id, started_at, pilothouse_version, repo_head, config_hash, seed)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                [
                    header.id.rawValue, PostgresStore.millis(header.startedAt), header.pilothouseVersion,
                    header.repoHead, header.configHash, Int64(bitPattern: header.seed),
                ])
            try PostgresStore.appendBead(
                tx, jobID: nil, kind: .runStarted, message: "run \(header.id.short) started",
                metadata: [
                    "run": header.id.rawValue, "head": header.repoHead, "config": header.configHash,
                    "seed": String(header.seed),
                ], at: header.startedAt)
        }
    }

    public func endRun(_ id: JobID, exitCode: Int32, at date: Date) throws {
        try write { tx in
            try tx.execute(
                "UPDATE runs SET ended_at = $1, exit_code = $2 WHERE id = $3",
                [PostgresStore.millis(date), Int64(exitCode), id.rawValue])
            try PostgresStore.appendBead(
                tx, jobID: nil, kind: .runFinished, message: "run \(id.short) finished (exit \(exitCode))",
                metadata: ["run": id.rawValue, "exit": String(exitCode)], at: date)
        }
    }
}
