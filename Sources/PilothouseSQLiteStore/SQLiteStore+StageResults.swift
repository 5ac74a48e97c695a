import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Records that a stage started, moving the job's current stage, with its bead.
    @discardableResult
    public func recordStageStarted(_ id: JobID, stage: StageName, attempt: Int, at date: Date) throws
        -> Bead
    {
        try write { db in
            try db.execute(
                sql:
                    "INSERT INTO stage_results (job_id, stage, attempt, status, started_at) VALUES (?, ?, ?, 'running', ?)",
                arguments: [id.rawValue, stage.rawValue, attempt, SQLiteStore.millis(date)])
            try db.execute(
                sql: "UPDATE jobs SET stage = ?, updated_at = ? WHERE id = ?",
                arguments: [stage.rawValue, SQLiteStore.millis(date), id.rawValue])
            return try SQLiteStore.appendBead(
                db, jobID: id, kind: .stageStarted, stage: stage, message: "\(stage) started",
                metadata: ["attempt": String(attempt)], at: date)
        }
    }

    /// Records a stage's result. The unique index on finished results means a stage of one
    /// attempt can never complete twice, even if two engines raced on a job.
    @discardableResult
    public func recordStageFinished(
        _ id: JobID, stage: StageName, attempt: Int, output: StageOutput, message: String,
        at date: Date
    ) throws -> Bead {
        let message = stored(message)
        return try write { db in
            let encoded = SQLiteStore.encodeOutput(stored.output(output))
            let updated = try SQLiteStore.updateLatestStageRow(
                db, id: id, stage: stage, attempt: attempt, status: "finished", output: encoded, at: date)
            if !updated {
                try db.execute(
                    sql: """
                        INSERT INTO stage_results (job_id, stage, attempt, status, output, started_at, finished_at)
                        VALUES (?, ?, ?, 'finished', ?, ?, ?)
                        """,
                    arguments: [
                        id.rawValue, stage.rawValue, attempt, encoded, SQLiteStore.millis(date),
                        SQLiteStore.millis(date),
                    ])
            }
            return try SQLiteStore.appendBead(
                db, jobID: id, kind: .stageFinished, stage: stage, message: message,
                metadata: ["attempt": String(attempt)],
                at: date)
        }
    }

    @discardableResult
    public func recordStageFailed(
        _ id: JobID, stage: StageName, attempt: Int, kind: BeadKind, message: String,
        at date: Date
    ) throws -> Bead {
        let message = stored(message)
        return try write { db in
            _ = try SQLiteStore.updateLatestStageRow(
                db, id: id, stage: stage, attempt: attempt, status: kind == .stageSlow ? "running" : "failed",
                output: SQLiteStore.encodeOutput(.text(message)), at: date)
            return try SQLiteStore.appendBead(
                db, jobID: id, kind: kind, stage: stage, message: message,
                metadata: ["attempt": String(attempt)], at: date)
        }
    }

    /// Outputs of the stages this attempt already finished, for resuming after approval or
    /// a restart.
    public func finishedStages(_ id: JobID, attempt: Int) throws -> [StageName: StageOutput] {
        try read { db in
            var outputs: [StageName: StageOutput] = [:]
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT stage, output FROM stage_results WHERE job_id = ? AND attempt = ? AND status = 'finished'",
                arguments: [id.rawValue, attempt])
            {
                outputs[StageName(row["stage"] as String)] = SQLiteStore.decodeOutput(row["output"])
            }
            return outputs
        }
    }

    /// Every stage row of a job, newest attempt last.
    public func stageHistory(_ id: JobID) throws -> [StageProgress] {
        try read { db in try stageHistory(id, in: db) }
    }

    /// `stageHistory(_:)` inside the caller's transaction; a failed stage's message is its
    /// stored failure text.
    func stageHistory(_ id: JobID, in db: Database) throws -> [StageProgress] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM stage_results WHERE job_id = ? ORDER BY id", arguments: [id.rawValue]
        ).map { row in
            let status: String = row["status"]
            let finished: Int64? = row["finished_at"]
            let output = SQLiteStore.decodeOutput(row["output"])
            var message = ""
            if status == "failed", case .text(let text) = output { message = text }
            return StageProgress(
                jobID: id, stage: StageName(row["stage"] as String), attempt: row["attempt"],
                status: status == "finished" ? .finished : status == "failed" ? .failed : .started,
                output: output, message: message, at: SQLiteStore.date(finished ?? row["started_at"]))
        }
    }

    private static func updateLatestStageRow(
        _ db: Database, id: JobID, stage: StageName, attempt: Int, status: String, output: String,
        at date: Date
    ) throws -> Bool {
        let rowID = try Int64.fetchOne(
            db,
            sql:
                "SELECT id FROM stage_results WHERE job_id = ? AND stage = ? AND attempt = ? AND status = 'running' ORDER BY id DESC LIMIT 1",
            arguments: [id.rawValue, stage.rawValue, attempt])
        guard let rowID else { return false }
        try db.execute(
            sql: "UPDATE stage_results SET status = ?, output = ?, finished_at = ? WHERE id = ?",
            arguments: [status, output, SQLiteStore.millis(date), rowID])
        return true
    }

    static func encodeOutput(_ output: StageOutput) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(output)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decodeOutput(_ text: String?) -> StageOutput {
        guard let data = text?.data(using: .utf8),
            let output = try? JSONDecoder().decode(StageOutput.self, from: data)
        else {
            return .none
        }
        return output
    }
}
