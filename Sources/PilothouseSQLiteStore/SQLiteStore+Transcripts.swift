import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Stores a prompt and response, through `stored` like every other text (the gateway
    /// redacts them too, with its own redactor, before they get here).
    public func appendTranscript(
        callID: Int64?, jobID: JobID?, stage: StageName?, model: String, prompt: String, response: String,
        at date: Date
    ) throws {
        let prompt = stored(prompt)
        let response = stored(response)
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO transcripts (llm_call_id, job_id, stage, model, prompt, response, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    callID, jobID?.rawValue, stage?.rawValue, model, prompt, response,
                    SQLiteStore.millis(date),
                ])
        }
    }

    /// Stored transcripts, oldest first: `(model, prompt, response)`.
    public func transcripts(jobID: JobID?) throws -> [(model: String, prompt: String, response: String)] {
        try read { db in
            var sql = "SELECT model, prompt, response FROM transcripts"
            var arguments: StatementArguments = []
            if let jobID {
                sql += " WHERE job_id = ?"
                arguments = [jobID.rawValue]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map {
                (model: $0["model"], prompt: $0["prompt"], response: $0["response"])
            }
        }
    }
}
