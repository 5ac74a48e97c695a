import Foundation

/// What a job's model call is doing right now, between `stage_started` and its end: waiting
/// for a provider's rate limit, or streaming an answer. Live only: the console shows it on
/// the job's row and the beads pane's live line, `run --json` emits it as progress; the
/// lasting record is the `model_waiting` bead and the ledger row.
public struct ModelActivity: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        /// The provider holds the model back until `until`.
        case waiting(until: Date, reason: String)
        /// Output tokens received so far, and the rate since the first byte.
        case streaming(tokens: Int, tokensPerSecond: Double)
    }

    public var jobID: JobID
    public var stage: StageName
    public var model: String
    public var kind: Kind
    public var at: Date

    public init(jobID: JobID, stage: StageName, model: String, kind: Kind, at: Date = Date()) {
        self.jobID = jobID
        self.stage = stage
        self.model = model
        self.kind = kind
        self.at = at
    }

    /// A short label for a job row (9 columns): `wait 42s`, `312t 41/s`.
    public func label(now: Date) -> String {
        switch kind {
        case .waiting(let until, _):
            "wait \(max(0, Int(until.timeIntervalSince(now).rounded(.up))))s"
        case .streaming(let tokens, let rate):
            "\(tokens)t \(Int(rate.rounded()))/s"
        }
    }

    /// The beads pane's live line.
    public func sentence(now: Date) -> String {
        switch kind {
        case .waiting(let until, let reason):
            "\(model) rate limited (\(reason)) · resumes in \(max(0, Int(until.timeIntervalSince(now).rounded(.up)))) s"
        case .streaming(let tokens, let rate):
            "\(model) streaming · \(tokens) tokens · \(Int(rate.rounded())) tokens/s"
        }
    }
}
