import PilothouseCore
import Testing

@testable import PilothouseConsole

/// A quarantine record's view shows the evidence its reason calls for.
@Suite struct QuarantineEvidenceTests {
    func openRecord(_ row: Int, size: Size) -> (ConsoleModel, Canvas) {
        var model = Fixtures.model()
        _ = model.handle(.char("4"), keymap: .default)
        for _ in 0..<row { _ = model.handle(.char("j"), keymap: .default) }
        _ = model.handle(.enter, keymap: .default)
        let canvas = ConsoleView.render(&model, size: size, theme: Fixtures.probeTheme)
        return (model, canvas)
    }

    @Test func malformedAnswerSitsNextToTheExpectedFormatWhenWide() {
        let (_, canvas) = openRecord(1, size: Size(width: 200, height: 60))
        Snapshot.check(canvas, named: "quarantine-malformed-200x60")
        let header = canvas.lines.first { $0.contains("the model's answer (redacted)") }
        #expect(header?.contains("│ the format it was asked for") == true)
        #expect(
            canvas.lines.contains {
                $0.contains("I think the change should be") && $0.contains("<<<<<<< SEARCH") == false
            })
        #expect(canvas.lines.contains { $0.contains("<<<<<<< SEARCH") })
    }

    @Test func malformedStacksWhenNarrow() {
        let (_, canvas) = openRecord(1, size: Size(width: 80, height: 24))
        Snapshot.check(canvas, named: "quarantine-malformed-80x24")
        #expect(canvas.lines.contains { $0.contains("the model's answer (redacted):") })
    }

    @Test func policyFindingsMarkTheOffendingLines() {
        let record = QuarantineRecord(
            jobID: Fixtures.id(7), reason: .secretDetected, message: "a secret in the patch",
            payload: "[secret_detected] config.py: an AWS access key\n  config.py:3 KEY = \"AKIA[REDACTED]\"")
        let lines = QuarantineEvidence.lines(for: record).1
        #expect(lines.map(\.role) == [.error, .warn])
        #expect(lines[1].text == "▶ config.py:3 KEY = \"AKIA[REDACTED]\"")
        // A patch payload (path escape) marks what it adds.
        let escape = QuarantineEvidence.findings(Fixtures.quarantine[0])
        #expect(escape.map(\.role) == [.error, .error, .warn])
    }
}
