import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Bytes of transcript text one request returns at most; older entries beyond it are left
    /// out (newest kept), so a job with a runaway transcript cannot exhaust the console's memory.
    public static let jobDetailTranscriptLimit = 64 << 20

    /// What the job view and a quarantine record's view show on request (`JobDetail`): the
    /// job's transcripts and CLI agents' output, its newest patch (redacted), its stage
    /// history and, in `needs_rebase`, its conflict. One read transaction, so they agree.
    public func jobDetail(_ id: JobID) throws -> JobDetail {
        try read { db in
            var entries: [TranscriptEntry] = try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, model, prompt, response, created_at FROM transcripts
                    WHERE job_id = ? ORDER BY id
                    """,
                arguments: [id.rawValue]
            ).map { row in
                TranscriptEntry(
                    source: (row["model"] as String).hasPrefix("agent:") ? .agent : .model,
                    stage: (row["stage"] as String?).map { StageName($0) },
                    model: row["model"],
                    prompt: row["prompt"], response: row["response"], at: SQLiteStore.date(row["created_at"]))
            }
            let agentRuns = try Row.fetchAll(
                db, sql: "SELECT * FROM beads WHERE job_id = ? AND kind = ? ORDER BY seq",
                arguments: [id.rawValue, "agent_ran"]
            ).map(SQLiteStore.bead(from:))
            // A CLI agent's full transcript, when kept, replaces its bead's output tail.
            let agentsKept = entries.contains { $0.source == .agent }
            for bead in agentRuns where !agentsKept {
                entries.append(
                    TranscriptEntry(
                        source: .agent, stage: bead.stage, model: "agent:" + (bead.metadata["agent"] ?? "?"),
                        prompt: bead.message, response: bead.metadata["output_tail"] ?? "",
                        at: Date(timeIntervalSince1970: Double(bead.createdAtMillis) / 1000)))
            }
            entries.sort { $0.at < $1.at }
            var budget = SQLiteStore.jobDetailTranscriptLimit
            var kept: [TranscriptEntry] = []
            for entry in entries.reversed() {
                budget -= entry.prompt.utf8.count + entry.response.utf8.count
                if budget < 0 { break }
                kept.append(entry)
            }
            let patch = try Data.fetchOne(
                db, sql: "SELECT diff FROM patches WHERE job_id = ? ORDER BY attempt DESC, id DESC LIMIT 1",
                arguments: [id.rawValue])
            // A job stopped in needs_rebase keeps the merge queue's conflict as its feedback.
            let stopped = try Row.fetchOne(
                db, sql: "SELECT feedback FROM jobs WHERE id = ? AND state = ?",
                arguments: [id.rawValue, JobState.needsRebase.rawValue])
            let conflict = (stopped?["feedback"] as String?).flatMap { $0.isEmpty ? nil : stored($0) }
            return JobDetail(
                jobID: id, transcript: kept.reversed(), patch: patch.map(redactedPatch),
                stageHistory: try stageHistory(id, in: db), conflict: conflict)
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
