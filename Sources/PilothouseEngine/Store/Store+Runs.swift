import Foundation
import GRDB
import PilothouseCore

/// What a run was started with, so its results can be reproduced later.
public struct RunHeader: Sendable, Equatable, Codable {
    public var id: JobID
    public var pilothouseVersion: String
    public var repoHead: String
    public var configHash: String
    public var seed: UInt64
    public var startedAt: Date

    public init(
        id: JobID = JobID(), pilothouseVersion: String, repoHead: String, configHash: String, seed: UInt64,
        startedAt: Date = Date()
    ) {
        self.id = id
        self.pilothouseVersion = pilothouseVersion
        self.repoHead = repoHead
        self.configHash = configHash
        self.seed = seed
        self.startedAt = startedAt
    }
}

extension Store {
    public func beginRun(_ header: RunHeader) throws {
        try write { db in
            try db.execute(
                sql:
                    "INSERT INTO runs (id, started_at, pilothouse_version, repo_head, config_hash, seed) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    header.id.rawValue, Store.millis(header.startedAt), header.pilothouseVersion,
                    header.repoHead,
                    header.configHash, Int64(bitPattern: header.seed),
                ])
            try Store.appendBead(
                db, jobID: nil, kind: .runStarted, message: "run \(header.id.short) started",
                metadata: [
                    "run": header.id.rawValue, "head": header.repoHead, "config": header.configHash,
                    "seed": String(header.seed),
                ],
                at: header.startedAt)
        }
    }

    public func endRun(_ id: JobID, exitCode: Int32, at date: Date = Date()) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET ended_at = ?, exit_code = ? WHERE id = ?",
                arguments: [Store.millis(date), exitCode, id.rawValue])
            try Store.appendBead(
                db, jobID: nil, kind: .runFinished, message: "run \(id.short) finished (exit \(exitCode))",
                metadata: ["run": id.rawValue, "exit": String(exitCode)], at: date)
        }
    }
}
