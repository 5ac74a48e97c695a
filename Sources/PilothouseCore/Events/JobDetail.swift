import Foundation

/// What a consumer asks the engine for when the operator opens one job or quarantine record:
/// the redacted transcript of its model calls and CLI agents, its newest patch and its stage
/// history.
///
/// Not part of the snapshot or the event stream: transcripts run to megabytes, so they are
/// read once, on request, and never on the console's render path.
public struct JobDetail: Sendable, Hashable, Codable {
    public var jobID: JobID
    /// Every recorded model call and CLI agent run of the job, oldest first.
    public var transcript: [TranscriptEntry]
    /// The newest stored patch (`git diff --binary`), redacted; nil before `implement` stored one.
    public var patch: Data?
    /// Every stage of every attempt, oldest first, with the failure message of those that failed.
    public var stageHistory: [StageProgress]

    public init(
        jobID: JobID, transcript: [TranscriptEntry] = [], patch: Data? = nil,
        stageHistory: [StageProgress] = []
    ) {
        self.jobID = jobID
        self.transcript = transcript
        self.patch = patch
        self.stageHistory = stageHistory
    }
}

/// One model call (prompt and answer) or one CLI agent run (prompt and output), redacted.
public struct TranscriptEntry: Sendable, Hashable, Codable {
    public enum Source: String, Sendable, Hashable, Codable {
        /// A call through the gateway, stored when `[gateway] transcripts = true`.
        case model
        /// A CLI agent's run; its output is the tail the `agent_ran` bead keeps.
        case agent
    }

    public var source: Source
    public var stage: StageName?
    /// `provider:model`, or the agent's name.
    public var model: String
    public var prompt: String
    public var response: String
    public var at: Date

    public init(
        source: Source, stage: StageName?, model: String, prompt: String, response: String, at: Date
    ) {
        self.source = source
        self.stage = stage
        self.model = model
        self.prompt = prompt
        self.response = response
        self.at = at
    }
}
