import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// The operations layer called the two ways it is called: as the console calls it (through
/// `engine.send`) and as the command line calls it (`JobOperations` built from the
/// repository's configuration). Each command leaves the same state and beads either way, and
/// a command that does not apply is refused with the same reason and changes nothing.
@Suite(.timeLimit(.minutes(3))) struct JobOperationsTests {
    let directory = TemporaryDirectory()

    // MARK: fixtures

    /// The operations exactly as `pilothouse approve`, `reject`, `quarantine …` build them.
    private func commandLine(_ store: SQLiteStore) -> JobOperations {
        JobOperations(store: store, config: PilothouseConfig())
    }

    private func engine(_ store: SQLiteStore) throws -> Engine {
        try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(autoApprove: false), repositoryRoot: directory.path)
    }

    /// The situations a command starts from.
    enum Start: String, CaseIterable, Sendable {
        case queued, waiting, failed, paused, quarantined, cancelled
    }

    /// A fresh store holding one job in the `start` situation (a quarantined one with its record).
    private func fixture(_ name: String, _ start: Start) throws -> (SQLiteStore, JobID) {
        let store = try SQLiteStore.openOrCreate(path: directory.file("\(name).db"))
        let id = try store.enqueue(Job(title: "t", goal: "g", maxAttempts: 3)).id
        switch start {
        case .queued: break
        case .waiting:
            try store.transition(id, to: .running, stage: .implement)
            try store.savePatch(
                Patch(
                    jobID: id, attempt: 0, baseCommit: "base", diff: Data(ApprovalDecisionTests.twoHunks.utf8)
                ))
            try store.finishRun(id, to: .awaitingApproval, message: "waiting")
        case .failed:
            try store.transition(id, to: .running, stage: .implement)
            try store.finishRun(id, to: .failed, message: "tests failed")
        case .paused:
            try store.finishRun(id, to: .paused, message: "paused")
        case .quarantined:
            try store.transition(id, to: .running, stage: .check)
            try store.quarantine(
                QuarantineRecord(jobID: id, reason: .secretDetected, message: "adds a key", payload: "+K"),
                clearingLease: true)
        case .cancelled:
            try store.finishRun(id, to: .cancelled, message: "cancelled")
        }
        return (store, id)
    }

    /// What an operator can see of a job afterwards.
    private struct Outcome: Equatable {
        var state: JobState?
        var attempts: Int?
        var records: Int
        var feedback: String?
        /// Kind and message of each of the job's beads, timestamps and ids left out.
        var beads: [String]

        init(_ store: SQLiteStore, _ id: JobID) throws {
            let job = try store.job(id)
            state = job?.state
            attempts = job?.attempts
            records = try store.quarantineRecords().count
            feedback = try store.feedback(id)
            beads = try store.beads(jobID: id).map { "\($0.kind.rawValue): \($0.message)" }
        }
    }

    // MARK: the same command, both ways

    /// A command as the console sends it and as the command line calls it.
    enum Command: String, CaseIterable, Sendable {
        case reject, rejectWithoutReason, retryFailed, retryQuarantinedJob, retryRecord, releaseRecord,
            dropRecord, pause, resume, cancel

        var start: Start {
            switch self {
            case .reject, .rejectWithoutReason: .waiting
            case .retryFailed: .failed
            case .retryQuarantinedJob, .retryRecord, .releaseRecord, .dropRecord: .quarantined
            case .pause, .cancel: .queued
            case .resume: .paused
            }
        }

        func console(_ id: JobID, record: JobID?) -> OperatorCommand {
            switch self {
            case .reject: .reject(id, reason: "use a guard")
            case .rejectWithoutReason: .reject(id, reason: "  ")
            case .retryFailed, .retryQuarantinedJob: .retry(id)
            case .retryRecord: .retryQuarantine(record ?? id, note: "keep keys out")
            case .releaseRecord: .releaseQuarantine(record ?? id)
            case .dropRecord: .dropQuarantine(record ?? id, reason: "not worth it")
            case .pause: .pause(id)
            case .resume: .resume(id)
            case .cancel: .cancel(id)
            }
        }

        func commandLine(_ operations: JobOperations, _ id: JobID, record: String) throws {
            switch self {
            case .reject: try operations.reject(id, reason: "use a guard")
            case .rejectWithoutReason: try operations.reject(id, reason: "  ")
            case .retryFailed, .retryQuarantinedJob: try operations.retry(id)
            case .retryRecord:
                try operations.releaseQuarantine(record, resetAttempts: true, note: "keep keys out")
            case .releaseRecord: try operations.releaseQuarantine(record, resetAttempts: false)
            case .dropRecord: try operations.dropQuarantine(record, reason: "not worth it")
            case .pause: try operations.pause(id)
            case .resume: try operations.resume(id)
            case .cancel: try operations.cancel(id)
            }
        }
    }

    @Test(arguments: Command.allCases)
    func aCommandLeavesTheSameStateThroughTheConsoleAndTheCommandLine(_ command: Command) async throws {
        let (consoleStore, consoleJob) = try fixture("console", command.start)
        let consoleRecord = try consoleStore.quarantineRecords().first?.id
        let sent = await (try engine(consoleStore)).send(command.console(consoleJob, record: consoleRecord))
        #expect(sent.succeeded, "\(sent.message)")

        let (cliStore, cliJob) = try fixture("cli", command.start)
        // The command line names a record by the short id `quarantine ls` prints.
        let cliRecord = try cliStore.quarantineRecords().first?.id.short ?? "none"
        try command.commandLine(commandLine(cliStore), cliJob, record: cliRecord)

        let console = try Outcome(consoleStore, consoleJob)
        let cli = try Outcome(cliStore, cliJob)
        #expect(console == cli)
        #expect(console.state != command.start.jobState, "the command changed nothing")
        #expect(try cliStore.verifyBeads() == .ok(count: try cliStore.beads().count))
    }

    // MARK: refusals

    /// A command that does not fit the job's state.
    enum Refused: String, CaseIterable, Sendable {
        case approveQueued, rejectQueued, retryQueued, resumeQueued, pauseFailed, cancelCancelled

        var start: Start {
            switch self {
            case .approveQueued, .rejectQueued, .retryQueued, .resumeQueued: .queued
            case .pauseFailed: .failed
            case .cancelCancelled: .cancelled
            }
        }

        func console(_ id: JobID) -> OperatorCommand {
            switch self {
            case .approveQueued: .approve(id)
            case .rejectQueued: .reject(id, reason: "no")
            case .retryQueued: .retry(id)
            case .resumeQueued: .resume(id)
            case .pauseFailed: .pause(id)
            case .cancelCancelled: .cancel(id)
            }
        }

        func commandLine(_ operations: JobOperations, _ id: JobID) throws {
            switch self {
            case .approveQueued: try operations.approve(id, hunks: nil, by: "operator (command line)")
            case .rejectQueued: try operations.reject(id, reason: "no")
            case .retryQueued: try operations.retry(id)
            case .resumeQueued: try operations.resume(id)
            case .pauseFailed: try operations.pause(id)
            case .cancelCancelled: try operations.cancel(id)
            }
        }
    }

    @Test(arguments: Refused.allCases)
    func aCommandThatDoesNotApplyIsRefusedAlikeAndChangesNothing(_ command: Refused) async throws {
        let (store, id) = try fixture("refused", command.start)
        let before = try Outcome(store, id)

        let sent = await (try engine(store)).send(command.console(id))
        #expect(!sent.succeeded)
        #expect(try Outcome(store, id) == before)

        var stopped = false
        let refusal = #expect(throws: OperationRefusal.self) {
            switch command {
            case .pauseFailed: try commandLine(store).pause(id) { stopped = true }
            case .cancelCancelled: try commandLine(store).cancel(id) { stopped = true }
            default: try command.commandLine(commandLine(store), id)
            }
        }
        #expect(refusal?.description == sent.message)
        #expect(refusal?.kind == .notApplicable)
        #expect(!stopped, "a refused pause or cancel must not stop the job's stage")
        #expect(try Outcome(store, id) == before)
    }

    @Test func anUnknownJobIsNamedOnBothPaths() async throws {
        let (store, _) = try fixture("unknown", .queued)
        let missing = JobID()
        let sent = await (try engine(store)).send(.retry(missing))
        #expect(throws: StoreError.unknownJob(missing.rawValue)) { try commandLine(store).retry(missing) }
        #expect(sent.message == StoreError.unknownJob(missing.rawValue).description)
    }

    // MARK: disagreements resolved

    /// The command line used to record an approval on a stage named `approve` even when the
    /// pipeline had none; the console refused. Both refuse now, and say what to do.
    @Test func approvingInAPipelineWithoutAnApproveStageIsRefused() throws {
        let (store, id) = try fixture("gateless", .waiting)
        let before = try Outcome(store, id)
        let gateless = PipelineTemplate(
            name: "gateless", stages: PipelineTemplate.standard.stages.filter { $0.kind != "approve" })
        let operations = JobOperations(store: store, template: gateless, onReject: .retryWithFeedback)
        let refusal = #expect(throws: OperationRefusal.self) {
            try operations.approve(id, hunks: nil, by: "operator (command line)")
        }
        #expect(refusal?.description.contains("no approve stage") == true)
        #expect(refusal?.description.contains("reject it") == true)
        #expect(try Outcome(store, id) == before)
    }

    /// The console used to say a stale record's job was "queued again" when releasing the
    /// record left the job where it was; it now says where the job is.
    @Test func releasingAStaleRecordSaysTheJobWasLeftAlone() async throws {
        let (store, id) = try fixture("stale", .quarantined)
        let record = try #require(try store.quarantineRecords().first)
        // Cancelling a quarantined job leaves its record behind.
        let engine = try engine(store)
        #expect(await engine.send(.cancel(id)).succeeded)

        let sent = await engine.send(.releaseQuarantine(record.id))
        #expect(sent.succeeded, "\(sent.message)")
        #expect(
            sent.message
                == "released \(record.id.short); job \(id.short) is cancelled, so it was left as it is")
        #expect(try store.job(id)?.state == .cancelled)
        #expect(try store.quarantineRecords().isEmpty)

        let (cliStore, cliID) = try fixture("stale-cli", .quarantined)
        try commandLine(cliStore).cancel(cliID)
        let settled = try commandLine(cliStore).releaseQuarantine(
            try #require(try cliStore.quarantineRecords().first).id.short, resetAttempts: true)
        #expect(!settled.requeued)
        #expect(settled.job?.state == .cancelled)
    }

    /// Retrying a quarantined job by its id used to keep the attempt an interruption had set to
    /// resume, which retrying its record or a failed job forgets: the next claim could then
    /// reuse the old attempt's stage results. Every retry forgets it now.
    @Test(arguments: [Command.retryQuarantinedJob, .retryRecord, .retryFailed])
    func everyRetryForgetsTheAttemptToResume(_ command: Command) async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("resume.db"))
        let id = try store.enqueue(Job(title: "t", goal: "g")).id
        try store.transition(id, to: .running, stage: .implement)
        try store.requeueRefundingAttempt(id, message: "engine interrupted")
        #expect(try store.resumeAttempt(id) != nil)
        try store.transition(id, to: .running, stage: .check)
        if command == .retryFailed {
            try store.finishRun(id, to: .failed, message: "failed")
        } else {
            try store.quarantine(
                QuarantineRecord(jobID: id, reason: .secretDetected, message: "key", payload: ""),
                clearingLease: true)
        }
        let record = try store.quarantineRecords().first?.id
        let sent = await (try engine(store)).send(command.console(id, record: record))
        #expect(sent.succeeded, "\(sent.message)")
        #expect(try store.job(id)?.state == .queued)
        #expect(try store.job(id)?.attempts == 0)
        #expect(try store.resumeAttempt(id) == nil)
    }

    /// A rejection written after another process paused the job (the command line looked
    /// while it still waited) must not requeue the paused job: the store checks the state
    /// again inside the rejection's transaction.
    @Test func aRejectionThatLostARaceWithAPauseChangesNothing() throws {
        let (store, id) = try fixture("race", .waiting)
        try store.finishRun(id, to: .paused, message: "paused by operator")
        let before = try Outcome(store, id)
        #expect(throws: StoreError.self) {
            try store.reject(id, reason: "use a guard", policy: .retryWithFeedback)
        }
        #expect(try Outcome(store, id) == before)
    }

    /// The same for an edit written after another process approved the job: the merging job
    /// is not sent back to the queue with the edit.
    @Test func anEditThatLostARaceWithAnApprovalChangesNothing() throws {
        let (store, id) = try fixture("edit-race", .waiting)
        try commandLine(store).approve(id, hunks: nil, by: "operator (command line)")
        let before = try Outcome(store, id)
        #expect(before.state == .merging)
        let diff = Data(ApprovalDecisionTests.twoHunks.utf8)
        #expect(throws: StoreError.self) {
            try store.editPatch(id, diff: diff, stats: try UnifiedDiff(parsing: diff).stats)
        }
        #expect(try Outcome(store, id) == before)
        #expect(try store.operatorPatch(id) == nil)
    }

    /// A pause decided on a waiting job, while another process approved it (the engine was
    /// stopping the job's stage): the merging job is not paused, and the operator hears why,
    /// in the words of the first check.
    @Test func aPauseThatLostARaceWithAnApprovalIsRefusedAndChangesNothing() throws {
        let (store, id) = try fixture("pause-race", .waiting)
        let other = try SQLiteStore.open(path: directory.file("pause-race.db"))
        var before: Outcome?
        let refusal = #expect(throws: OperationRefusal.self) {
            try commandLine(store).pause(id) {
                _ = try? commandLine(other).approve(id, hunks: nil, by: "operator (other terminal)")
                before = try? Outcome(store, id)
            }
        }
        #expect(
            refusal?.description
                == "\(id.short) is merging; only queued, running or waiting jobs can be paused")
        #expect(before?.state == .merging)
        #expect(try Outcome(store, id) == before)
    }

    /// The same for a cancel that lost to a rejection: the job stays rejected.
    @Test func aCancelThatLostARaceWithARejectionIsRefused() throws {
        let (store, id) = try fixture("cancel-race", .waiting)
        let other = try SQLiteStore.open(path: directory.file("cancel-race.db"))
        let refusal = #expect(throws: OperationRefusal.self) {
            try commandLine(store).cancel(id) {
                _ = try? JobOperations(store: other, template: .standard, onReject: .end).reject(
                    id, reason: "no")
            }
        }
        #expect(refusal?.description == "\(id.short) is already rejected")
        #expect(try store.job(id)?.state == .rejected)
    }

    // MARK: enqueue and import

    @Test func aPatchThatAddsASecretIsRefusedAndNothingIsStored() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("secret.db"))
        let config = PilothouseConfig()
        let leaky = Data(
            """
            diff --git a/env.txt b/env.txt
            --- a/env.txt
            +++ b/env.txt
            @@ -1,1 +1,1 @@
            -key = none
            +key = AKIAIOSFODNN7EXAMPLE

            """.utf8)
        let refusal = #expect(throws: OperationRefusal.self) {
            try commandLine(store).enqueue(
                Job(title: "t", goal: "g"), operatorPatch: leaky, patchName: "fix.diff",
                secrets: config.policy.blocking(config.redactor))
        }
        #expect(
            refusal?.description.hasPrefix("fix.diff: the patch adds what looks like a secret (aws") == true)
        #expect(refusal?.kind == .notApplicable)
        #expect(try store.jobs().isEmpty)
        #expect(try store.beads().isEmpty)
    }

    @Test(arguments: [
        ("not a diff at all\n", "fix.diff: not a unified diff"),
        ("diff --git a/../x b/../x\n--- a/../x\n+++ b/../x\n@@ -1 +1 @@\n-a\n+b\n", "fix.diff: "),
    ])
    func aBrokenPatchIsRefusedAsInputToFix(_ text: String, _ prefix: String) throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("broken.db"))
        let refusal = #expect(throws: OperationRefusal.self) {
            try commandLine(store).enqueue(
                Job(title: "t", goal: "g"), operatorPatch: Data(text.utf8), patchName: "fix.diff",
                secrets: .standard)
        }
        #expect(refusal?.description.hasPrefix(prefix) == true, "\(refusal?.description ?? "")")
        #expect(refusal?.kind == .invalidInput)
        #expect(try store.jobs().isEmpty)
    }

    @Test func aGoalOverTheLimitOrAFileOutsideTheRepositoryIsRefusedAtIntake() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("intake.db"))
        var config = PilothouseConfig()
        config.limits.goalBytes = 1024
        let operations = JobOperations(store: store, config: config)
        let long = #expect(throws: OperationRefusal.self) {
            try operations.enqueue(
                Job(title: "t", goal: String(repeating: "g", count: 1025)), secrets: .standard)
        }
        #expect(
            long?.description.hasPrefix("the goal: more than 1024 bytes, the limit [limits] goal_bytes")
                == true)
        #expect(long?.kind == .invalidInput)
        let outside = #expect(throws: OperationRefusal.self) {
            try operations.enqueue(
                Job(title: "t", goal: "g", filesHint: ["ok.swift", "../../.ssh/id_rsa"]), secrets: .standard)
        }
        #expect(outside?.description.hasPrefix("files: path \"../../.ssh/id_rsa\" uses '..'") == true)
        #expect(try store.jobs().isEmpty)
        #expect(
            try operations.enqueue(
                Job(title: "t", goal: String(repeating: "g", count: 1024)), secrets: .standard
            ).state == .queued)
    }

    @Test func aRequestTakesTheConfiguredDefaultsAndRefusesAnEmptyGoal() throws {
        var defaults = PilothouseConfig().jobs
        defaults.defaultPriority = .p1
        let job = try JobRequest(goal: " Fix the parser\nIt traps. ", files: [" a.swift ", ""]).job(
            defaults: defaults)
        #expect(job.title == "Fix the parser")
        #expect(job.goal == "Fix the parser\nIt traps.")
        #expect(job.priority == .p1)
        #expect(job.filesHint == ["a.swift"])
        let long = try JobRequest(goal: String(repeating: "word ", count: 100)).job(defaults: defaults)
        #expect(long.title == Array(repeating: "word", count: 14).joined(separator: " ") + "…")
        #expect(
            try JobRequest(goal: "", patch: "the patch x.diff").job(defaults: defaults).goal
                == "Apply the patch x.diff.")
        #expect(
            throws: OperationRefusal(
                "the goal is empty; say what the job should achieve", kind: .invalidInput)
        ) {
            try JobRequest(goal: "  ").job(defaults: defaults)
        }
    }

    @Test func aCleanPatchIsQueuedWithItsJob() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("clean.db"))
        let queued = try commandLine(store).enqueue(
            Job(title: "t", goal: "g"), operatorPatch: Data(ApprovalDecisionTests.twoHunks.utf8),
            patchName: "fix.diff",
            secrets: .standard)
        #expect(try store.job(queued.id)?.state == .queued)
        #expect(try store.operatorPatch(queued.id) == Data(ApprovalDecisionTests.twoHunks.utf8))
    }

    @Test func aPlanOverTheItemLimitIsRefusedAndAPlanImportsOnce() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("plan.db"))
        let plan = """
            # Fix plan

            ## P0 — Critical

            ### 1. Parser crashes on empty input
            The parser traps on an empty string.

            ## P2 — Medium

            ### 2. Slow startup
            Startup reads every file twice.
            """
        let operations = commandLine(store)
        let refusal = #expect(throws: OperationRefusal.self) {
            try operations.planItems(plan, subject: "plan.md", limit: 1)
        }
        #expect(refusal?.description.contains("plan_items") == true)
        #expect(refusal?.kind == .invalidInput)

        let items = try operations.planItems(plan, subject: "plan.md", limit: 10)
        #expect(items.count == 2)
        #expect(try operations.importPlan(items, plan: "plan.md", maxAttempts: 3).added.count == 2)
        let again = try operations.importPlan(items, plan: "plan.md", maxAttempts: 3)
        #expect(again.added.isEmpty && again.unchanged == 2)
        #expect(try store.jobs().count == 2)
    }
}

extension JobOperationsTests.Start {
    /// The job's state in this situation.
    var jobState: JobState {
        switch self {
        case .queued: .queued
        case .waiting: .awaitingApproval
        case .failed: .failed
        case .paused: .paused
        case .quarantined: .quarantined
        case .cancelled: .cancelled
        }
    }
}
