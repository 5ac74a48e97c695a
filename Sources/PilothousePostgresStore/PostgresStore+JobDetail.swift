import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// What the job view and a quarantine record's view show on request (`JobDetail`): the
    /// job's transcripts and CLI agents' output, its newest patch (redacted), its stage
    /// history and, in `needs_rebase`, its conflict. One snapshot, so they agree.
    public func jobDetail(_ id: JobID) throws -> JobDetail {
        try read { tx in
            let entries: [TranscriptEntry] = try tx.rows(
                "SELECT stage, model, prompt, response, created_at FROM transcripts WHERE job_id = $1 ORDER BY id",
                [id.rawValue]
            ).map { row in
                let model: String = try row("model")
                return TranscriptEntry(
                    source: model.hasPrefix("agent:") ? .agent : .model,
                    stage: try row("stage", as: String?.self).map { StageName($0) }, model: model,
                    prompt: try row("prompt"), response: try row("response"),
                    at: PostgresStore.date(try row("created_at")))
            }
            let agentRuns = try tx.rows(
                "SELECT * FROM beads WHERE job_id = $1 AND kind = $2 ORDER BY seq",
                [id.rawValue, "agent_ran"]
            ).map(PostgresStore.bead(from:))
            let patch = try PostgresStore.latestDiff(id, in: tx)
            // A job stopped in needs_rebase keeps the merge queue's conflict as its feedback.
            let conflict = try tx.value(
                "SELECT feedback FROM jobs WHERE id = $1 AND state = $2",
                [id.rawValue, JobState.needsRebase.rawValue],
                as: String.self
            ).flatMap { $0.isEmpty ? nil : stored($0) }
            return JobDetail(
                jobID: id, transcript: JobDetailAssembly.transcript(stored: entries, agentRuns: agentRuns),
                patch: patch.map { JobDetailAssembly.redacted($0, with: stored) },
                stageHistory: try PostgresStore.stageHistory(id, in: tx), conflict: conflict)
        }
    }
}
