import Foundation
import PilothouseCore

/// The parts of `JobStore.jobDetail` that are not storage: which transcript entries a job view
/// gets, and how its patch is redacted. Every backend reads the rows; this decides.
public enum JobDetailAssembly {
    /// Bytes of transcript text one request returns at most; older entries beyond it are left
    /// out (newest kept), so a job with a runaway transcript cannot exhaust the console's memory.
    public static let transcriptLimit = 64 << 20

    /// The stored transcripts plus, when no CLI agent's full transcript was kept, each
    /// `agent_ran` bead's output tail; oldest first, cut to `transcriptLimit` from the oldest.
    public static func transcript(stored entries: [TranscriptEntry], agentRuns: [Bead]) -> [TranscriptEntry] {
        var entries = entries
        // A CLI agent's full transcript, when kept, replaces its bead's output tail.
        if !entries.contains(where: { $0.source == .agent }) {
            for bead in agentRuns {
                entries.append(
                    TranscriptEntry(
                        source: .agent, stage: bead.stage, model: "agent:" + (bead.metadata["agent"] ?? "?"),
                        prompt: bead.message, response: bead.metadata["output_tail"] ?? "", at: bead.createdAt
                    ))
            }
        }
        entries.sort { $0.at < $1.at }
        var budget = transcriptLimit
        var kept: [TranscriptEntry] = []
        for entry in entries.reversed() {
            budget -= entry.prompt.utf8.count + entry.response.utf8.count
            if budget < 0 { break }
            kept.append(entry)
        }
        return kept.reversed()
    }

    /// A patch as shown: secrets redacted where it is text; a patch that is not UTF-8 (binary
    /// hunks, Latin-1 files) is redacted line by line where lines are text and kept otherwise.
    public static func redacted(_ diff: Data, with stored: StoredText) -> Data {
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
