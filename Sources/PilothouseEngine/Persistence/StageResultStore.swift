import Foundation
import PilothouseCore

/// What stages produced: patches, stage results by attempt, their timings, and transcripts.
public protocol StageResultStore: Sendable {
    @discardableResult
    func savePatch(_ patch: Patch) throws -> Bead

    func latestPatch(_ id: JobID) throws -> Patch?

    @discardableResult
    func recordStageStarted(_ id: JobID, stage: StageName, attempt: Int, at date: Date) throws -> Bead

    @discardableResult
    func recordStageFinished(
        _ id: JobID, stage: StageName, attempt: Int, output: StageOutput, message: String, at date: Date
    ) throws -> Bead

    @discardableResult
    func recordStageFailed(
        _ id: JobID, stage: StageName, attempt: Int, kind: BeadKind, message: String, at date: Date
    ) throws -> Bead

    /// Outputs of the stages this attempt already finished, for resuming after approval or
    /// a restart.
    func finishedStages(_ id: JobID, attempt: Int) throws -> [StageName: StageOutput]

    /// Every stage row of a job, newest attempt last.
    func stageHistory(_ id: JobID) throws -> [StageProgress]

    /// Mean duration of every stage that finished, slowest first: where a job's time goes
    /// (`pilothouse bench` prints it).
    func stageTimes() throws -> [StageTime]

    /// Stores a prompt and response, through `stored` like every other text (the gateway
    /// redacts them too, with its own redactor, before they get here).
    func appendTranscript(
        callID: Int64?, jobID: JobID?, stage: StageName?, model: String, prompt: String, response: String,
        at date: Date) throws

    /// Stored transcripts, oldest first: `(model, prompt, response)`.
    func transcripts(jobID: JobID?) throws -> [(model: String, prompt: String, response: String)]
}

/// The requirements with their usual arguments filled in (a protocol requirement has no
/// default arguments).
extension StageResultStore {
    @discardableResult
    public func recordStageStarted(_ id: JobID, stage: StageName, attempt: Int) throws -> Bead {
        try recordStageStarted(id, stage: stage, attempt: attempt, at: Date())
    }

    @discardableResult
    public func recordStageFinished(
        _ id: JobID, stage: StageName, attempt: Int, output: StageOutput, message: String
    ) throws -> Bead {
        try recordStageFinished(
            id, stage: stage, attempt: attempt, output: output, message: message, at: Date())
    }

    @discardableResult
    public func recordStageFailed(_ id: JobID, stage: StageName, attempt: Int, message: String, at date: Date)
        throws -> Bead
    {
        try recordStageFailed(
            id, stage: stage, attempt: attempt, kind: .stageFailed, message: message, at: date)
    }

    @discardableResult
    public func recordStageFailed(
        _ id: JobID, stage: StageName, attempt: Int, kind: BeadKind, message: String
    ) throws -> Bead {
        try recordStageFailed(id, stage: stage, attempt: attempt, kind: kind, message: message, at: Date())
    }

    @discardableResult
    public func recordStageFailed(_ id: JobID, stage: StageName, attempt: Int, message: String) throws -> Bead
    {
        try recordStageFailed(
            id, stage: stage, attempt: attempt, kind: .stageFailed, message: message, at: Date())
    }

    public func appendTranscript(
        callID: Int64?, jobID: JobID?, stage: StageName?, model: String, prompt: String, response: String
    ) throws {
        try appendTranscript(
            callID: callID, jobID: jobID, stage: stage, model: model, prompt: prompt, response: response,
            at: Date())
    }

    public func transcripts() throws -> [(model: String, prompt: String, response: String)] {
        try transcripts(jobID: nil)
    }
}
