import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Records that a stage started, moving the job's current stage, with its bead.
    @discardableResult
    public func recordStageStarted(_ id: JobID, stage: StageName, attempt: Int, at date: Date) throws -> Bead
    {
        try write { tx in
            try tx.execute(
                "INSERT INTO stage_results (job_id, stage, attempt, status, started_at) VALUES ($1, $2, $3, 'running', $4)",
                [id.rawValue, stage.rawValue, attempt, PostgresStore.millis(date)])
            try tx.execute(
                "UPDATE jobs SET stage = $1, updated_at = $2 WHERE id = $3",
                [stage.rawValue, PostgresStore.millis(date), id.rawValue])
            return try PostgresStore.appendBead(
                tx, jobID: id, kind: .stageStarted, stage: stage, message: "\(stage) started",
                metadata: ["attempt": String(attempt)], at: date)
        }
    }

    /// Records a stage's result. The unique index on finished results means a stage of one
    /// attempt can never complete twice, even if two engines raced on a job.
    @discardableResult
    public func recordStageFinished(
        _ id: JobID, stage: StageName, attempt: Int, output: StageOutput, message: String, at date: Date
    ) throws -> Bead {
        let message = stored(message)
        return try write { tx in
            let encoded = StoreEncoding.encodeOutput(stored.output(output))
            let updated = try PostgresStore.updateLatestStageRow(
                tx, id: id, stage: stage, attempt: attempt, status: "finished", output: encoded, at: date)
            if !updated {
                try tx.execute(
                    """
                    INSERT INTO stage_results (job_id, stage, attempt, status, output, started_at, finished_at)
                    VALUES ($1, $2, $3, 'finished', $4, $5, $5)
                    """,
                    [id.rawValue, stage.rawValue, attempt, encoded, PostgresStore.millis(date)])
            }
            return try PostgresStore.appendBead(
                tx, jobID: id, kind: .stageFinished, stage: stage, message: message,
                metadata: ["attempt": String(attempt)], at: date)
        }
    }

    @discardableResult
    public func recordStageFailed(
        _ id: JobID, stage: StageName, attempt: Int, kind: BeadKind, message: String, at date: Date
    ) throws -> Bead {
        let message = stored(message)
        return try write { tx in
            _ = try PostgresStore.updateLatestStageRow(
                tx, id: id, stage: stage, attempt: attempt, status: kind == .stageSlow ? "running" : "failed",
                output: StoreEncoding.encodeOutput(.text(message)), at: date)
            return try PostgresStore.appendBead(
                tx, jobID: id, kind: kind, stage: stage, message: message,
                metadata: ["attempt": String(attempt)],
                at: date)
        }
    }

    /// Outputs of the stages this attempt already finished, for resuming after approval or
    /// a restart.
    public func finishedStages(_ id: JobID, attempt: Int) throws -> [StageName: StageOutput] {
        try read { tx in
            var outputs: [StageName: StageOutput] = [:]
            for row in try tx.rows(
                "SELECT stage, output FROM stage_results WHERE job_id = $1 AND attempt = $2 AND status = 'finished'",
                [id.rawValue, attempt])
            {
                outputs[StageName(try row("stage", as: String.self))] = StoreEncoding.decodeOutput(
                    try row("output"))
            }
            return outputs
        }
    }

    /// Every stage row of a job, newest attempt last.
    public func stageHistory(_ id: JobID) throws -> [StageProgress] {
        try read { tx in try PostgresStore.stageHistory(id, in: tx) }
    }

    /// `stageHistory(_:)` inside the caller's transaction; a failed stage's message is its
    /// stored failure text.
    static func stageHistory(_ id: JobID, in tx: PostgresTransaction) throws -> [StageProgress] {
        try tx.rows("SELECT * FROM stage_results WHERE job_id = $1 ORDER BY id", [id.rawValue]).map { row in
            let status: String = try row("status")
            let finished: Int64? = try row("finished_at")
            let output = StoreEncoding.decodeOutput(try row("output"))
            var message = ""
            if status == "failed", case .text(let text) = output { message = text }
            return StageProgress(
                jobID: id, stage: StageName(try row("stage", as: String.self)), attempt: try row("attempt"),
                status: status == "finished" ? .finished : status == "failed" ? .failed : .started,
                output: output, message: message, at: date(try finished ?? row("started_at")))
        }
    }

    private static func updateLatestStageRow(
        _ tx: PostgresTransaction, id: JobID, stage: StageName, attempt: Int, status: String, output: String,
        at date: Date
    ) throws -> Bool {
        let changed = try tx.changes(
            """
            UPDATE stage_results SET status = $1, output = $2, finished_at = $3 WHERE id = (
                SELECT id FROM stage_results WHERE job_id = $4 AND stage = $5 AND attempt = $6 AND status = 'running'
                ORDER BY id DESC LIMIT 1)
            """,
            [status, output, millis(date), id.rawValue, stage.rawValue, attempt])
        return changed > 0
    }

    /// Mean duration of every stage that finished, slowest first: where a job's time goes
    /// (`pilothouse bench` prints it).
    public func stageTimes() throws -> [StageTime] {
        try read { tx in
            try tx.rows(
                """
                SELECT stage, COUNT(*) AS runs, AVG(finished_at - started_at)::DOUBLE PRECISION AS mean
                FROM stage_results WHERE status = 'finished' AND finished_at IS NOT NULL
                GROUP BY stage ORDER BY mean DESC
                """
            ).map { row in
                StageTime(
                    stage: StageName(try row("stage", as: String.self)), runs: try row("runs"),
                    meanMillis: try row("mean"))
            }
        }
    }

    /// Stores a prompt and response, through `stored` like every other text (the gateway
    /// redacts them too, with its own redactor, before they get here).
    public func appendTranscript(
        callID: Int64?, jobID: JobID?, stage: StageName?, model: String, prompt: String, response: String,
        at date: Date
    ) throws {
        let prompt = stored(prompt)
        let response = stored(response)
        try write(locking: .none) { tx in
            try tx.execute(
                """
                INSERT INTO transcripts (llm_call_id, job_id, stage, model, prompt, response, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    callID, jobID?.rawValue, stage?.rawValue, model, prompt, response,
                    PostgresStore.millis(date),
                ])
        }
    }

    /// Stored transcripts, oldest first: `(model, prompt, response)`.
    public func transcripts(jobID: JobID?) throws -> [(model: String, prompt: String, response: String)] {
        try read { tx in
            let rows =
                try jobID.map {
                    try tx.rows(
                        "SELECT model, prompt, response FROM transcripts WHERE job_id = $1 ORDER BY id",
                        [$0.rawValue])
                } ?? tx.rows("SELECT model, prompt, response FROM transcripts ORDER BY id")
            return try rows.map {
                (model: try $0("model"), prompt: try $0("prompt"), response: try $0("response"))
            }
        }
    }
}
