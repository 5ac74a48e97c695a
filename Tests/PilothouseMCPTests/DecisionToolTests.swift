import Foundation
import MCP
import PilothouseCore
import PilothouseEngine
import Testing

@testable import PilothouseMCP

/// The operator's keypress stays the gate: without `[mcp] allow_decisions` no decision tool
/// is offered or carried out; with it, each is the command line's operation.
@Suite struct DecisionToolTests {
    private func allowing() -> PilothouseConfig {
        var config = PilothouseConfig()
        config.mcp.allowDecisions = true
        return config
    }

    @Test func decisionsAreRefusedWhileNotAllowedAndChangeNothing() throws {
        let fixture = try MCPFixture()
        let waiting = try fixture.waitingJob()
        try fixture.store.quarantine(
            QuarantineRecord(jobID: nil, reason: .malformedOutput, message: "bad", payload: "x"))
        let beads = try fixture.store.beads().count
        for (tool, arguments) in [
            ("approve", ["id": Value.string(waiting.rawValue)]),
            ("reject", ["id": .string(waiting.rawValue), "reason": "no"]),
            (
                "drop_quarantine",
                ["record": .string(try fixture.store.quarantineRecords()[0].id.rawValue), "reason": "r"]
            ),
        ] {
            let result = fixture.call(tool, arguments)
            #expect(result.isError == true)
            #expect(result.text.hasPrefix("\(tool) is not offered: [mcp] allow_decisions is off"))
            #expect(
                result.text.contains("set allow_decisions = true under [mcp] in .pilothouse/pilothouse.toml"))
        }
        #expect(try fixture.store.job(waiting)?.state == .awaitingApproval)
        #expect(try fixture.store.quarantineRecords().count == 1)
        #expect(try fixture.store.beads().count == beads)
    }

    @Test func approveWhenAllowedIsTheOperatorsApproval() throws {
        let fixture = try MCPFixture(allowing())
        let waiting = try fixture.waitingJob()
        let job = try fixture.object("approve", ["id": .string(waiting.rawValue), "hunks": [0]])
        #expect(job["state"] == "merging")
        #expect(
            try fixture.store.beads(jobID: waiting).contains {
                $0.metadata["by"] == "MCP client (pilothouse mcp)"
            })
        let again = fixture.call("approve", ["id": .string(waiting.rawValue)])
        #expect(again.text == "\(waiting.short) is merging, not waiting for approval")
        #expect(
            fixture.call("approve", ["id": .string(waiting.rawValue), "hunks": ["all"]]).text.hasPrefix(
                "approve: 'hunks' must be"))
    }

    @Test func rejectAndDropWhenAllowed() throws {
        let fixture = try MCPFixture(allowing())
        let waiting = try fixture.waitingJob()
        let rejection = try fixture.object(
            "reject", ["id": .string(waiting.rawValue), "reason": "use the helper"])
        #expect(rejection["retry"] != nil)
        #expect(try fixture.store.job(waiting)?.state != .awaitingApproval)
        let record = try fixture.store.quarantine(
            QuarantineRecord(jobID: nil, reason: .malformedOutput, message: "bad", payload: "x"))
        #expect(
            fixture.call("drop_quarantine", ["record": .string(record.id.rawValue)]).text
                == "drop_quarantine: 'reason' is required")
        let dropped = try fixture.object(
            "drop_quarantine", ["record": .string(record.id.rawValue), "reason": "noise"])
        #expect(dropped["record"]?.objectValue?["id"]?.stringValue == record.id.rawValue)
        #expect(try fixture.store.quarantineRecords().isEmpty)
    }
}
