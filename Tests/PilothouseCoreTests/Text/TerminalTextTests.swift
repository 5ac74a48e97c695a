import Foundation
import PilothouseCore
import Testing

@Suite struct TerminalTextTests {
    static let hostile: [(String, String)] = [
        ("title", "plan \u{1B}]0;pwned\u{07} item"),
        ("reset", "clear \u{1B}c screen"),
        ("csi", "colour \u{1B}[31mred\u{1B}[0m"),
        ("c1 csi", "c1 \u{9B}2J here"),
        ("c1 osc", "osc \u{9D}0;t\u{9C}"),
        ("bidi override", "access \u{202E}nimda\u{202C} level"),
        ("bidi isolate", "x \u{2066}y\u{2069} z"),
        ("carriage return", "ok\rFAILED"),
        ("delete", "a\u{7F}b"),
        ("nul", "a\u{0}b"),
        ("separators", "a\u{2028}b\u{2029}c"),
    ]

    @Test(arguments: hostile)
    func neutralisedTextHoldsNothingATerminalObeys(name: String, text: String) {
        let shown = TerminalText.neutralised(text)
        #expect(
            !shown.unicodeScalars.contains { TerminalText.isUnsafe($0) }, "\(name): \(shown.debugDescription)"
        )
        #expect(shown.unicodeScalars.contains(TerminalText.replacement), "\(name)")
    }

    @Test func layoutAndPrintableTextAreKept() {
        let text = "title:\tfix «ünïcode» 日本 👍🏽 e\u{301}\nnext line"
        #expect(TerminalText.neutralised(text) == text)
        #expect(TerminalText.neutralised("\u{1B}]0;x\u{07}") == "\u{FFFD}]0;x\u{FFFD}")
    }

    @Test(arguments: hostile)
    func escapedJSONIsTheSameDocumentAndInert(name: String, text: String) throws {
        let data = try JSONEncoder().encode(["title": text])
        let escaped = TerminalText.escapedJSON(String(decoding: data, as: UTF8.self))
        #expect(!escaped.unicodeScalars.contains { TerminalText.isUnsafe($0) }, "\(name): \(escaped)")
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(escaped.utf8))
        #expect(decoded["title"] == text, "\(name)")
    }

    @Test func prettyJSONKeepsItsLayout() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = String(decoding: try encoder.encode(["a": "\u{202E}x", "b": "y"]), as: UTF8.self)
        let escaped = TerminalText.escapedJSON(json)
        #expect(escaped.contains("\n"))
        #expect(escaped.contains("\\u202e"))
    }
}

@Suite struct StoredTextCoreTests {
    @Test func nulBecomesTheReplacementCharacterAndNothingElseChanges() {
        #expect(StoredText.withoutNUL("a\u{0}b\u{0}") == "a\u{FFFD}b\u{FFFD}")
        let other = "\u{1B}[0m é \u{FFFD} \u{10FFFF}"
        #expect(StoredText.withoutNUL(other) == other)
    }

    @Test func everyTextOfAJobAndAnOutputIsRedacted() {
        let secret = "AKIAIOSFODNN7EXAMPLE"
        let stored = StoredText()
        let job = stored.job(
            Job(title: secret, goal: secret, sourcePlan: secret, sourceAnchor: secret, filesHint: [secret]))
        #expect(
            !"\(job.title)\(job.goal)\(job.sourcePlan!)\(job.sourceAnchor!)\(job.filesHint)".contains(secret))
        let outputs: [StageOutput] = [
            .text(secret), .plan(secret),
            .review(ReviewScore(overall: 5, dimensions: [secret: 3], summary: secret)),
            .tests(TestSummary(passed: false, outputTail: secret)),
            .policy(PolicyReport(violations: [secret], flags: [secret])),
        ]
        for output in outputs {
            let encoded = String(decoding: try! JSONEncoder().encode(stored.output(output)), as: UTF8.self)
            #expect(!encoded.contains(secret), "\(encoded)")
        }
        let record = stored.record(
            QuarantineRecord(jobID: nil, reason: .stageFailed, message: secret, payload: secret))
        #expect(!(record.message + record.payload).contains(secret))
    }
}
