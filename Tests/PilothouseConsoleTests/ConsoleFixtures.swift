import Foundation
import PilothouseCore

@testable import PilothouseConsole

/// A scripted engine: fixed ids, fixed times and a fixed event stream, so snapshots are stable.
enum Fixtures {
    static let base = Date(timeIntervalSince1970: 1_750_000_000)
    static let now = base.addingTimeInterval(3 * 3600)

    static func id(_ n: Int) -> JobID {
        let digits = String(n)
        return JobID("01JA" + String(repeating: "0", count: 22 - digits.count) + digits)!
    }

    static func job(
        _ n: Int, _ title: String, state: JobState, priority: Priority = .p2, stage: StageName? = nil,
        attempts: Int = 1, category: JobCategory = .quality
    ) -> Job {
        Job(
            id: id(n), title: title, goal: title, category: category, priority: priority, state: state,
            currentStage: stage, attempts: attempts, maxAttempts: 3,
            createdAt: base.addingTimeInterval(Double(n)),
            updatedAt: base.addingTimeInterval(Double(n) * 60))
    }

    static let jobs: [Job] = [
        job(
            1, "Stop workers on cancellation", state: .awaitingApproval, priority: .p0, stage: .approve,
            attempts: 1),
        job(2, "Fix Latin-1 docs", state: .awaitingApproval, priority: .p1, stage: .approve, category: .docs),
        job(
            3, "Cache the pricing table", state: .running, priority: .p1, stage: .review,
            category: .performance),
        job(
            4, "Redact tokens in transcripts", state: .running, priority: .p0, stage: .implement,
            category: .security),
        job(5, "Add retry jitter", state: .queued, priority: .p2),
        job(6, "Rename Config loader", state: .merged, priority: .p3, stage: .merge),
        job(
            7, "Escape shell arguments", state: .quarantined, priority: .p0, stage: .check, attempts: 3,
            category: .security),
        job(8, "Trim log noise 日本語 ✓", state: .failed, priority: .p2, stage: .test, attempts: 2),
        job(9, "Document budget flags", state: .paused, priority: .p3, category: .docs),
    ]

    static let cleanDiff = Data(
        """
        diff --git a/Sources/App/Worker.swift b/Sources/App/Worker.swift
        index 1111111..2222222 100644
        --- a/Sources/App/Worker.swift
        +++ b/Sources/App/Worker.swift
        @@ -10,5 +10,6 @@ final class Worker {
             let queue: Queue
        -    var retries = 3
        +    var retries: Int
        +    let clock: Clock
         
             init(queue: Queue) {
                 self.queue = queue
        @@ -40,4 +41,4 @@ final class Worker {
             func run() {
        -        while true {
        +        while !Task.isCancelled {
                     step()
                 }
        diff --git a/README.md b/README.md
        index 3333333..4444444 100644
        --- a/README.md
        +++ b/README.md
        @@ -1,3 +1,4 @@
         # App
        +Workers now stop on cancellation.
         
         Usage:

        """.utf8)

    /// Latin-1 bytes (0xE9 `é`, 0xE8 `è`) in a diff line: shown as U+FFFD, never a crash.
    static let latin1Diff: Data = {
        var bytes = Array(
            """
            diff --git a/docs/latin1.txt b/docs/latin1.txt
            index 5555555..6666666 100644
            --- a/docs/latin1.txt
            +++ b/docs/latin1.txt
            @@ -1,2 +1,2 @@

            """.utf8)
        bytes += Array("-caf".utf8) + [0xE9] + Array(" cr".utf8) + [0xE8] + Array("me\n".utf8)
        bytes += Array("+café crème\n".utf8)
        bytes += Array(" fin\n".utf8)
        return Data(bytes)
    }()

    static let garbageDiff = Data(
        [0x00, 0xFF, 0x13] + Array("hello\n@@ nonsense\n".utf8) + [0xC3, 0x28, 0x0A])

    static let approvals: [ApprovalRequest] = [
        ApprovalRequest(
            jobID: id(1), attempt: 1, title: "Stop workers on cancellation", diff: cleanDiff,
            review: ReviewScore(
                overall: 8, dimensions: ["correctness": 8, "safety": 9], summary: "Looks right."),
            tests: TestSummary(passed: true, passedCount: 120, durationMillis: 4200),
            requestedAt: base.addingTimeInterval(600)),
        ApprovalRequest(
            jobID: id(2), attempt: 2, title: "Fix Latin-1 docs", diff: latin1Diff,
            review: ReviewScore(overall: 5),
            tests: TestSummary(passed: false, passedCount: 98, failedCount: 2),
            policyFlags: ["touches_docs_only"], requestedAt: base.addingTimeInterval(900)),
    ]

    static let quarantine: [QuarantineRecord] = [
        QuarantineRecord(
            id: id(71), jobID: id(7), reason: .pathEscape, message: "patch writes ../../etc/profile",
            payload: "--- a/../../etc/profile\n+++ b/../../etc/profile\n+export PATH=/tmp:$PATH",
            createdAt: base.addingTimeInterval(1200)),
        QuarantineRecord(
            id: id(72), jobID: nil, reason: .malformedOutput, message: "model returned no diff block",
            payload: "I think the change should be…", createdAt: base.addingTimeInterval(7000)),
    ]

    static let gauges = Gauges(
        runSpend: Money(micros: 1_234_000), runBudget: Money(micros: 5_000_000),
        daySpend: Money(micros: 9_100_000),
        dayBudget: Money(micros: 10_000_000), queueDepth: 4, inFlight: 2,
        models: [
            ModelGauge(
                model: "anthropic:claude-sonnet", requestsPerMinute: 12, requestsPerMinuteLimit: 50,
                tokensPerMinute: 41_000, tokensPerMinuteLimit: 80_000, inFlight: 2, circuit: .closed),
            ModelGauge(
                model: "openai:gpt-4.1-mini", requestsPerMinute: 0, requestsPerMinuteLimit: 60,
                tokensPerMinute: 0,
                tokensPerMinuteLimit: nil, inFlight: 0, circuit: .open),
        ])

    /// A linked chain over jobs 1, 3 and the engine, with a failure and costs.
    static let beads: [Bead] = {
        let specs: [(Int?, BeadKind, StageName?, String, [String: String], Int64)] = [
            (nil, .runStarted, nil, "run started", [:], 0),
            (1, .jobCreated, nil, "created", [:], 1_000),
            (1, .stageStarted, .analyze, "analyze", [:], 2_000),
            (1, .modelCalled, .analyze, "claude-sonnet 1.2k tokens", ["cost_micros": "12000"], 3_500),
            (1, .stageFinished, .analyze, "ok", [:], 4_000),
            (1, .stageStarted, .implement, "implement", [:], 5_000),
            (1, .stageFailed, .implement, "edit block did not apply", ["error": "no match"], 65_000),
            (1, .stageStarted, .implement, "implement (attempt 2)", [:], 70_000),
            (1, .patchProduced, .implement, "2 files, +4 -2", ["cost_micros": "30000"], 95_000),
            (3, .stageStarted, .review, "review", [:], 100_000),
        ]
        var result: [Bead] = []
        var previous = Bead.genesisHash
        for (i, spec) in specs.enumerated() {
            let hash = String(format: "%08x", 0xA000_0000 + i) + String(repeating: "0", count: 56)
            result.append(
                Bead(
                    seq: Int64(i + 1), jobID: spec.0.map(id), kind: spec.1, stage: spec.2, message: spec.3,
                    metadata: spec.4, createdAtMillis: Int64(base.timeIntervalSince1970 * 1000) + spec.5,
                    prevHash: previous, hash: hash))
            previous = hash
        }
        return result
    }()

    static let snapshot = EngineSnapshot(
        jobs: jobs, quarantine: quarantine, approvals: approvals, recentBeads: beads, stageResults: [:],
        gauges: gauges,
        state: .running)

    /// The scripted stream: a snapshot, then deltas.
    static let events: [EngineEvent] = [
        .snapshot(snapshot),
        .jobChanged(job(5, "Add retry jitter", state: .running, priority: .p2, stage: .plan)),
        .stageProgress(StageProgress(jobID: id(5), stage: .plan, attempt: 1, status: .started, at: base)),
        .notice("config: 2 models, budget $5.00/run"),
    ]

    static func model(readOnly: Bool = false) -> ConsoleModel {
        var model = ConsoleModel(readOnly: readOnly, now: now)
        model.apply(contentsOf: events)
        return model
    }

    /// A theme whose every role has its own colour, so a snapshot's style mask can name the role
    /// of each cell exactly.
    static let probeTheme: Theme = {
        var styles: [ThemeRole: Style] = [:]
        for (i, role) in ThemeRole.allCases.enumerated() {
            styles[role] = Style(foreground: .indexed(UInt8(100 + i)))
        }
        styles[.normal] = Style()
        styles[.selection] = Style(foreground: .indexed(200), background: .indexed(201))
        styles[.statusLine] = Style(foreground: .indexed(202), background: .indexed(203))
        return Theme(name: "probe", styles: styles)
    }()
}
