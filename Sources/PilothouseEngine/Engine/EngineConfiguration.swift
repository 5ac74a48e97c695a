import Foundation
import PilothouseCore

/// How the engine schedules and guards work. Loaded from `[engine]` and `[approval]`.
public struct EngineConfiguration: Sendable, Equatable {
    /// Jobs worked on at once.
    public var swarmSize: Int = 4
    /// At most this many of a stage at once across all jobs (e.g. `test = 2`).
    public var stageLimits: [StageName: Int] = [:]
    /// How long a claim lasts without a heartbeat; a crashed engine's jobs come back after it.
    public var leaseDuration: Duration = .seconds(30)
    /// How often the engine looks for work other processes queued.
    public var pollInterval: Duration = .milliseconds(250)
    public var autoApprove: AutoApproveRule = .off
    public var onReject: RejectPolicy = .retryWithFeedback
    /// `[pipeline] allow_ungated_merge`: lets a pipeline merge without `check` or `approve`
    /// before its `merge`. Off by default, refused at load otherwise, and shown on the status
    /// line while on, because it lets any patch (a new CI workflow, say) land unseen.
    public var allowUngatedMerge = false
    /// Identifies this engine's leases; empty means host, process id and a random part.
    public var ownerID: String = ""
    /// How long a write that hits a full disk is retried before the run stops (exit code 5).
    public var diskFullPatience: Duration = .seconds(120)
    /// Beads kept in a snapshot for the console.
    public var recentBeadLimit = 500
    /// Whether CLI agents' prompts and full output are stored as transcripts (set from
    /// `[gateway] transcripts`; the gateway stores model calls' transcripts itself).
    public var recordTranscripts = false
    /// The Pilothouse version this engine shows in the fleet's engine list.
    public var version = "unknown"

    public init() {}

    static func makeOwnerID() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
    }
}
