import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// `SQLiteStore.jobDetail`: what the console's job view and quarantine record view get on request.
@Suite struct JobDetailStoreTests {
    let directory = TemporaryDirectory()

    @Test func holdsTheJobsTranscriptsAgentRunsPatchAndFailuresAndNothingOfOtherJobs() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("pilothouse.db"))
        let job = try store.enqueue(Job(title: "fix", goal: "g"))
        let other = try store.enqueue(Job(title: "other", goal: "g"))
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        try store.appendTranscript(
            callID: nil, jobID: job.id, stage: .analyze, model: "simulated:sim-1",
            prompt: "[user]\nanalyze the parser", response: "it is fine", at: start)
        try store.appendTranscript(
            callID: nil, jobID: other.id, stage: .analyze, model: "simulated:sim-1",
            prompt: "someone else's prompt", response: "x", at: start.addingTimeInterval(1))
        try store.appendBead(
            jobID: job.id, kind: "agent_ran", stage: .implement, message: "aider finished in 12 ms",
            metadata: ["agent": "aider", "exit": "0", "output_tail": "Applied edit to app.py"])
        try store.appendTranscript(
            callID: nil, jobID: job.id, stage: .review, model: "simulated:sim-1",
            prompt: "[user]\nreview", response: "8/10", at: Date().addingTimeInterval(60))
        try store.transition(job.id, to: .running)
        try store.recordStageStarted(job.id, stage: .test, attempt: 1)
        try store.recordStageFailed(job.id, stage: .test, attempt: 1, message: "2 failed: test_parse")
        let secret = SecretSamples.all[0]
        _ = try store.savePatch(
            Patch(
                jobID: job.id, attempt: 1, baseCommit: "abc",
                diff: Data("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+\(secret.text)\n".utf8)))

        let detail = try store.jobDetail(job.id)
        #expect(detail.jobID == job.id)
        #expect(detail.transcript.map(\.source) == [.model, .agent, .model])
        #expect(detail.transcript.map(\.model) == ["simulated:sim-1", "agent:aider", "simulated:sim-1"])
        #expect(detail.transcript[0].prompt == "[user]\nanalyze the parser")
        #expect(detail.transcript[1].response == "Applied edit to app.py")
        #expect(!detail.transcript.contains { $0.prompt.contains("someone else") })
        let patch = String(decoding: try #require(detail.patch), as: UTF8.self)
        #expect(!patch.contains(secret.secret), "\(patch)")
        #expect(patch.contains("[REDACTED:"))
        let failed = try #require(detail.stageHistory.first { $0.status == .failed })
        #expect(failed.stage == .test)
        #expect(failed.message == "2 failed: test_parse")

        let empty = try store.jobDetail(other.id)
        #expect(empty.patch == nil)
        #expect(empty.stageHistory.isEmpty)
    }

    /// With transcripts kept, a CLI agent's whole output is stored beside the model calls and
    /// shown instead of the 2,000-character tail its `agent_ran` bead carries.
    @Test func aCLIAgentsFullTranscriptReplacesItsBeadsTail() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("pilothouse.db"))
        let job = try store.enqueue(Job(title: "fix", goal: "g"))
        let output = (1...400).map { "line \($0) of the agent's work" }.joined(separator: "\n")
        try store.appendBead(
            jobID: job.id, kind: "agent_ran", stage: .implement, message: "aider finished in 12 ms",
            metadata: ["agent": "aider", "exit": "0", "output_tail": String(output.suffix(2000))])
        try store.appendTranscript(
            callID: nil, jobID: job.id, stage: .implement, model: "agent:aider", prompt: "fix the parser",
            response: output)
        let detail = try store.jobDetail(job.id)
        #expect(detail.transcript.map(\.source) == [.agent])
        #expect(detail.transcript.first?.prompt == "fix the parser")
        #expect(detail.transcript.first?.response == output)
        #expect(detail.transcript.first?.response.hasPrefix("line 1 of") == true)
    }

    /// A job the merge queue stopped in needs_rebase carries its conflict (redacted); a job in
    /// any other state carries none, whatever its feedback says.
    @Test func aNeedsRebaseJobCarriesItsConflict() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("pilothouse.db"))
        let job = try store.enqueue(Job(title: "fix", goal: "g", maxAttempts: 1))
        let secret = SecretSamples.all[0]
        let conflict = "<<<<<<< pilothouse/integration\nx = 1\n=======\nx = \(secret.text)\n>>>>>>> job\n"
        _ = try #require(try store.claimNextJob(owner: "engine", leaseUntil: Date().addingTimeInterval(60)))
        #expect(try store.jobDetail(job.id).conflict == nil)
        try store.sendBackFromMergeQueue(
            job.id, feedback: conflict, message: "the patch conflicts", finalState: .needsRebase)
        #expect(try store.job(job.id)?.state == .needsRebase)
        let shown = try #require(try store.jobDetail(job.id).conflict)
        #expect(shown.contains("<<<<<<< pilothouse/integration"))
        #expect(!shown.contains(secret.secret))
    }

    /// A patch that is not UTF-8 (a Latin-1 file) keeps its bytes where they are not text and
    /// is still redacted where they are.
    @Test func aLatin1PatchKeepsItsBytesAndLosesItsSecrets() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("pilothouse.db"))
        let job = try store.enqueue(Job(title: "fix", goal: "g"))
        let secret = SecretSamples.all[0]
        var diff = Data("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-caf".utf8)
        diff.append(0xE9)
        diff.append(contentsOf: Array("\n+\(secret.text)\n".utf8))
        _ = try store.savePatch(Patch(jobID: job.id, attempt: 1, baseCommit: "abc", diff: diff))
        let patch = try #require(try store.jobDetail(job.id).patch)
        #expect(patch.contains(0xE9))
        #expect(!String(decoding: patch, as: UTF8.self).contains(secret.secret))
    }
}
