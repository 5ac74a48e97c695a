import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// One sample of every built-in secret pattern: the text an input carries, and the part that
/// must never be found in `.pilothouse/`.
enum SecretSamples {
    static let all: [(kind: String, text: String, secret: String)] = [
        ("aws_access_key", "key = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        (
            "aws_secret_key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ),
        (
            "github_token", "token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
            "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
        ),
        (
            "github_token", "pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"
        ),
        ("gitlab_token", "GITLAB=glpat-xY12abCD34efGH56ijKL", "glpat-xY12abCD34efGH56ijKL"),
        ("slack_token", "slack xoxb-123456789012-abcdefghijkl", "xoxb-123456789012-abcdefghijkl"),
        (
            "slack_webhook",
            "hook https://hooks.slack.com/services/T0AAAA000/B0BBBB000/cccccccccccccccccccccccc",
            "T0AAAA000/B0BBBB000/cccccccccccccccccccccccc"
        ),
        (
            "anthropic_key", "key sk-ant-api03-abcdefghij0123456789ABCDEFGHIJ",
            "sk-ant-api03-abcdefghij0123456789ABCDEFGHIJ"
        ),
        (
            "openai_key", "OPENAI_API_KEY=sk-proj-abc123DEF456ghi789JKL012mno345PQR678",
            "sk-proj-abc123DEF456ghi789JKL012mno345PQR678"
        ),
        (
            "jwt",
            "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        ),
        ("bearer_token", "Authorization: Bearer abcdefghijklmnop1234567890", "abcdefghijklmnop1234567890"),
        ("basic_auth", "Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==", "dXNlcjpwYXNzd29yZDEyMw"),
        ("url_password", "DATABASE_URL=postgres://admin:s3cr3tpw@db.internal:5432/app", "s3cr3tpw"),
        ("email", "contact jane.doe@acme-corp.io for access", "jane.doe@acme-corp.io"),
        ("high_entropy_assignment", "db_password = \"Zx9!qR2#vL7mK4pW\"", "Zx9!qR2#vL7mK4pW"),
        (
            "private_key",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7Qz\n-----END RSA PRIVATE KEY-----",
            "MIIEpAIBAAKCAQEA7Qz"
        ),
    ]
}

@Suite struct StoredTextTests {
    let directory = TemporaryDirectory()

    /// Every file under `path` (database, WAL, shared memory…) that holds `needle`'s bytes.
    static func files(under path: String, containing needle: String) -> [String] {
        let needleBytes = Data(needle.utf8)
        let enumerator = FileManager.default.enumerator(atPath: path)
        var hits: [String] = []
        while let name = enumerator?.nextObject() as? String {
            let full = path + "/" + name
            guard let data = FileManager.default.contents(atPath: full) else { continue }
            if data.range(of: needleBytes) != nil { hits.append(name) }
        }
        return hits
    }

    @Test func everyBuiltInPatternHasASample() {
        #expect(Set(SecretSamples.all.map(\.kind)) == Set(SecretPattern.builtIn.map(\.kind)))
    }

    /// Each secret goes into every input the store takes (goal, title, file hints, plan item,
    /// test output, a CLI agent's output, a model's answer, a rejection reason) unredacted, as
    /// a careless caller would hand it over; none may reach the database or its WAL.
    @Test func noSeededSecretReachesTheStoreFiles() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("pilothouse.db"))
        for sample in SecretSamples.all {
            let text = sample.text
            let job = try store.enqueue(
                Job(title: "fix \(text)", goal: "goal with \(text)", filesHint: [text]))
            #expect(job.title.contains("[REDACTED:"), "\(sample.kind): \(job.title)")
            let plan = "# Plan\n\n## P1\n\n### 1. Rotate \(text.split(separator: "\n")[0])\n\(text)\n"
            let items = PlanParser.parse(plan)
            #expect(!items.isEmpty)
            _ = try store.importPlan(items, plan: "PLAN-\(sample.kind).md", maxAttempts: 3)
            try store.transition(job.id, to: .running)
            try store.recordStageStarted(job.id, stage: .test, attempt: 1)
            try store.recordStageFinished(
                job.id, stage: .test, attempt: 1,
                output: .tests(TestSummary(passed: false, outputTail: "FAILED\n\(text)\n")),
                message: "tests failed: \(text)")
            try store.recordStageFailed(job.id, stage: .implement, attempt: 1, message: "agent said: \(text)")
            try store.appendBead(
                jobID: job.id, kind: .stageFinished, message: "implement", metadata: ["output_tail": text])
            try store.appendTranscript(
                callID: nil, jobID: job.id, stage: .plan, model: "m", prompt: "goal: \(text)",
                response: "answer: \(text)")
            try store.recordStageFinished(
                job.id, stage: .plan, attempt: 1, output: .plan("1. \(text)"), message: "planned")
            try store.transition(job.id, to: .awaitingApproval)
            try store.reject(job.id, reason: "no: \(text)", policy: .retryWithFeedback)
            try store.quarantine(
                QuarantineRecord(
                    jobID: nil, reason: .malformedOutput, message: text, payload: "model: \(text)"))
        }
        for sample in SecretSamples.all {
            let hits = Self.files(under: directory.path, containing: sample.secret)
            #expect(hits.isEmpty, "\(sample.kind) stored in the clear in \(hits)")
        }
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }

    /// `printf '## P1\n- second \x00 item\n' > m.md; pilothouse import m.md; beads verify`.
    @Test func aNULInAPlanItemKeepsTheChainValidAndTheTitleWhole() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let items = PlanParser.parse("## P1\n- second \u{0} item\n")
        try #require(items.count == 1)
        _ = try store.importPlan(items, plan: "m.md", maxAttempts: 3)
        let job = try #require(try store.jobs().first)
        #expect(job.title.hasSuffix("\u{FFFD} item"), "title cut or changed: \(job.title.debugDescription)")
        try store.transition(job.id, to: .running)
        try store.recordStageFailed(
            job.id, stage: .test, attempt: 1, message: "tests printed a\u{0}b and \u{1B}]0;x\u{7}")
        let beads = try store.beads().map { ($0.message, $0.metadata) }
        #expect(try store.verifyBeads() == .ok(count: 3), "\(beads)")
        #expect(try store.beads().last?.message == "tests printed a\u{FFFD}b and \u{1B}]0;x\u{7}")
    }

    /// Any byte string, decoded as the CLI decodes files and process output, through every
    /// text input: the chain verifies and each text comes back as `StoredText` made it.
    @Test func randomBytesInEveryInputLeaveAChainThatVerifies() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("fuzz.db"))
        var random = SplitMix64(seed: 0x5EED_0010)
        let interesting: [UInt8] = [
            0x00, 0x1B, 0x07, 0x0A, 0x0D, 0x7F, 0x80, 0x9B, 0xC0, 0xE2, 0xED, 0xF0, 0xFF,
        ]
        func bytes() -> [UInt8] {
            (0..<Int.random(in: 0...48, using: &random)).map { _ in
                Bool.random(using: &random)
                    ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            }
        }
        let stored = StoredText()
        for round in 0..<150 {
            let text = String(decoding: bytes(), as: UTF8.self)
            let job = try store.enqueue(Job(title: "t\(round) " + text, goal: text, filesHint: [text]))
            let back = try #require(try store.job(job.id))
            #expect(back.title == stored("t\(round) " + text))
            #expect(back.goal == stored(text))
            #expect(back.filesHint == [stored(text)])
            _ = try store.importPlan(
                PlanParser.parse("## P1\n- item \(round) \(text)\n"), plan: "fuzz.md", maxAttempts: 3)
            try store.transition(job.id, to: .running)
            try store.recordStageFailed(
                job.id, stage: .test, attempt: 1, message: stored.redactor.redact(bytes()))
            try store.appendBead(jobID: job.id, kind: .stageFinished, message: text, metadata: [text: text])
        }
        let count = try store.beads().count
        #expect(try store.verifyBeads() == .ok(count: count), "after \(count) beads")
    }
}
