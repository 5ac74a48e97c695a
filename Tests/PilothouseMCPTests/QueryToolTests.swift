import Foundation
import MCP
import PilothouseCore
import PilothouseEngine
import Testing

@testable import PilothouseMCP

/// The read-only tools against a real store: pages, the bead cursor, diffs, the chain.
@Suite struct QueryToolTests {
    @Test func listJobsPagesThroughTheQueueInSchedulerOrder() throws {
        let fixture = try MCPFixture()
        for index in 0..<5 {
            try fixture.store.enqueue(Job(title: "job \(index)", goal: "g", priority: index == 3 ? .p0 : .p2))
        }
        var seen: [String] = []
        var cursor: Value = .null
        for _ in 0..<3 {
            let page = try fixture.object("list_jobs", ["limit": 2, "cursor": cursor])
            #expect(page["total"] == 5)
            seen += page["jobs"]?.arrayValue?.compactMap { $0.objectValue?["title"]?.stringValue } ?? []
            cursor = page["next_cursor"] ?? .null
        }
        #expect(cursor == .null)
        // P0 first; the four P2 jobs, created within the same instant, once each.
        #expect(seen.first == "job 3")
        #expect(seen.sorted() == ["job 0", "job 1", "job 2", "job 3", "job 4"])
        let urgent = try fixture.object("list_jobs", ["priority": "P0"])
        #expect(urgent["total"] == 1)
        #expect(try fixture.object("list_jobs", ["state": "merged"])["total"] == 0)
        #expect(
            fixture.call("list_jobs", ["cursor": "abc"]).text.hasPrefix(
                "list_jobs: cursor 'abc' is not one this server gave"))
        #expect(fixture.call("list_jobs", ["limit": 0]).text == "list_jobs: 'limit' is 0; use 1…500")
        #expect(
            fixture.call("list_jobs", ["state": "done"]).text.hasPrefix("list_jobs: unknown state 'done'"))
    }

    @Test func eventsSinceHandsOutEachBeadOnceThroughItsCursor() throws {
        let fixture = try MCPFixture()
        let id = try fixture.store.enqueue(Job(title: "a", goal: "g")).id
        try fixture.store.enqueue(Job(title: "b", goal: "g"))
        let first = try fixture.object("events_since", ["limit": 1])
        #expect(first["beads"]?.arrayValue?.count == 1)
        #expect(first["head"] == 2)
        let cursor = try #require(first["next_cursor"])
        let second = try fixture.object("events_since", ["cursor": cursor])
        #expect(second["beads"]?.arrayValue?.count == 1)
        #expect(second["next_cursor"] == 2)
        let idle = try fixture.object("events_since", ["cursor": 2])
        #expect(idle["beads"]?.arrayValue?.isEmpty == true)
        #expect(idle["next_cursor"] == 2)
        try fixture.store.transition(id, to: .running, stage: .analyze)
        let moved = try fixture.object("events_since", ["cursor": 2])
        #expect(moved["beads"]?.arrayValue?.first?.objectValue?["job_id"]?.stringValue == id.rawValue)
        #expect(fixture.call("events_since", ["cursor": -1]).isError == true)
    }

    @Test func getDiffGivesTheNewestPatchRedactedOrSaysThereIsNone() throws {
        let fixture = try MCPFixture()
        let queued = try fixture.store.enqueue(Job(title: "a", goal: "g")).id
        let none = fixture.call("get_diff", ["id": .string(queued.rawValue)])
        #expect(none.isError == true)
        #expect(none.text.hasPrefix("get_diff: \(queued.short) has no patch yet (it is queued)"))
        let leaky =
            MCPFixture.twoHunks
            + "diff --git a/k b/k\n--- a/k\n+++ b/k\n@@ -1 +1 @@\n-x\n+AKIAIOSFODNN7EXAMPLE\n"
        let waiting = try fixture.waitingJob(diff: leaky)
        let diff = try fixture.object("get_diff", ["id": .string(waiting.rawValue)])
        #expect(diff["state"] == "awaiting_approval")
        let text = try #require(diff["diff"]?.stringValue)
        #expect(text.hasPrefix("diff --git a/a.txt b/a.txt"))
        #expect(!text.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(
            fixture.call("get_diff", ["id": "nope"]).text
                == "no job matches 'nope'; list jobs with `pilothouse jobs ls`")
    }

    @Test func statusCostAndQuarantineReadTheStore() throws {
        let fixture = try MCPFixture()
        let waiting = try fixture.waitingJob()
        try fixture.store.quarantine(
            QuarantineRecord(jobID: nil, reason: .malformedOutput, message: "bad", payload: "x"))
        let status = try fixture.object("status")
        #expect(status["total_jobs"] == 1)
        #expect(status["quarantined"] == 1)
        #expect(status["oldest_awaiting_approval"]?.objectValue?["id"]?.stringValue == waiting.rawValue)
        let cost = try fixture.object("cost", ["by": "model"])
        #expect(cost["by"] == "model")
        #expect(cost["total_micros"] == 0)
        #expect(
            fixture.call("cost", ["by": "planet"]).text.hasPrefix(
                "cost: unknown grouping 'planet'; use one of model, job, stage, day"))
        let records = try fixture.object("list_quarantine")["records"]?.arrayValue
        #expect(records?.first?.objectValue?["message"] == "bad")
    }

    @Test func verifyChainReportsAnIntactChainAndRefusesABadCheckpoint() throws {
        let fixture = try MCPFixture()
        try fixture.store.enqueue(Job(title: "a", goal: "g"))
        let verdict = try fixture.object("verify_chain")
        #expect(verdict["ok"] == true)
        #expect(verdict["count"] == 1)
        let checkpoint = try fixture.store.beadCheckpoint()
        let extended = try fixture.object("verify_chain", ["checkpoint": .string(checkpoint.description)])
        #expect(extended["ok"] == true)
        let forged = try fixture.object(
            "verify_chain", ["checkpoint": .string("1:" + String(repeating: "0", count: 64))])
        #expect(forged["ok"] == false)
        #expect(forged["problem"] == "rewritten")
        #expect(fixture.call("verify_chain", ["checkpoint": "soon"]).text.hasPrefix("verify_chain: "))
    }
}
