import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Bytes of transcript text one request returns at most; older entries beyond it are left
    /// out (newest kept), so a job with a runaway transcript cannot exhaust the console's memory.
    public static let jobDetailTranscriptLimit = 64 << 20

    /// What the job view and a quarantine record's view show on request (`JobDetail`): the
    /// job's transcripts and CLI agents' output, its newest patch (redacted), its stage
    /// history and, in `needs_rebase`, its conflict. One snapshot, so they agree.
    public func jobDetail(_ id: JobID) throws -> JobDetail {
        try read { tx in
            var entries: [TranscriptEntry] = try tx.rows(
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
            // A CLI agent's full transcript, when kept, replaces its bead's output tail.
            let agentsKept = entries.contains { $0.source == .agent }
            for bead in agentRuns where !agentsKept {
                entries.append(
                    TranscriptEntry(
                        source: .agent, stage: bead.stage, model: "agent:" + (bead.metadata["agent"] ?? "?"),
                        prompt: bead.message, response: bead.metadata["output_tail"] ?? "", at: bead.createdAt
                    ))
            }
            entries.sort { $0.at < $1.at }
            var budget = PostgresStore.jobDetailTranscriptLimit
            var kept: [TranscriptEntry] = []
            for entry in entries.reversed() {
                budget -= entry.prompt.utf8.count + entry.response.utf8.count
                if budget < 0 { break }
                kept.append(entry)
            }
            let patch = try PostgresStore.latestDiff(id, in: tx)
            // A job stopped in needs_rebase keeps the merge queue's conflict as its feedback.
            let conflict = try tx.value(
                "SELECT feedback FROM jobs WHERE id = $1 AND state = $2",
                [id.rawValue, JobState.needsRebase.rawValue],
                as: String.self
            ).flatMap { $0.isEmpty ? nil : stored($0) }
            return JobDetail(
                jobID: id, transcript: kept.reversed(), patch: patch.map(redactedPatch),
                stageHistory: try PostgresStore.stageHistory(id, in: tx), conflict: conflict)
        }
    }

    /// A patch as shown: secrets redacted where it is text; a patch that is not UTF-8 (binary
    /// hunks, Latin-1 files) is redacted line by line where lines are text and kept otherwise.
    private func redactedPatch(_ diff: Data) -> Data {
        if let text = String(data: diff, encoding: .utf8) { return Data(stored(text).utf8) }
        var result = Data()
        for line in diff.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if !result.isEmpty { result.append(UInt8(ascii: "\n")) }
            if let text = String(data: Data(line), encoding: .utf8) {
                result.append(contentsOf: stored(text).utf8)
            } else {
                result.append(contentsOf: line)
            }
        }
        return result
    }
}
