import Foundation
import Testing

@testable import PilothouseCore

/// The keys every `--json` command prints for the shared value types. Scripts depend on
/// them: renaming a property must fail here, and then be a deliberate change to Docs/JSON.md.
@Suite struct JSONOutputTests {
    private func keys<T: Encodable>(_ value: T) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: Data(try JSONOutput.encode(value).utf8))
        return Set(try #require(object as? [String: Any]).keys)
    }

    @Test func jobKeys() throws {
        let job = Job(
            title: "t", goal: "g", sourcePlan: "plan.md", sourceAnchor: "a", filesHint: ["a.swift"],
            state: .running, currentStage: .implement)
        #expect(
            try keys(job) == [
                "id", "title", "goal", "category", "priority", "source_plan", "source_anchor", "files_hint",
                "state", "current_stage", "attempts", "max_attempts", "created_at", "updated_at",
            ])
    }

    @Test func beadKeysKeepMetadataAsWritten() throws {
        let bead = Bead(
            seq: 1, jobID: JobID(), kind: .stateChanged, stage: .plan, message: "m",
            metadata: ["retryAfter": "1", "limit_micros": "2"], createdAtMillis: 0, prevHash: Bead.genesisHash
        )
        #expect(
            try keys(bead) == [
                "seq", "job_id", "kind", "stage", "message", "metadata", "created_at_millis", "prev_hash",
                "hash",
                "encoding_version",
            ])
        #expect(try JSONOutput.encode(bead).contains("\"retryAfter\" : \"1\""))
    }

    @Test func quarantineRecordKeys() throws {
        let record = QuarantineRecord(jobID: JobID(), reason: .malformedOutput, message: "m", payload: "p")
        #expect(try keys(record) == ["id", "job_id", "reason", "message", "payload", "created_at"])
    }

    @Test func planItemKeys() throws {
        let item = PlanItem(
            anchor: "a", title: "t", goal: "g", priority: .p1, category: .quality, files: ["x"], phase: "1",
            contentHash: "h")
        #expect(
            try keys(item) == [
                "anchor", "title", "goal", "priority", "category", "files", "phase", "content_hash",
            ])
    }

    @Test func datesAreISO8601() throws {
        let record = QuarantineRecord(
            jobID: nil, reason: .malformedOutput, message: "m", createdAt: Date(timeIntervalSince1970: 0))
        #expect(
            try JSONOutput.encode(record, pretty: false).contains("\"created_at\":\"1970-01-01T00:00:00Z\""))
    }
}
