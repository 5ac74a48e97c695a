import Foundation

/// What the engine tells its consumers (console, headless output): a snapshot first, then
/// deltas. Folding the deltas into the snapshot gives the engine's current view.
public enum EngineEvent: Sendable, Hashable, Codable {
    case snapshot(EngineSnapshot)
    case jobChanged(Job)
    case beadAppended(Bead)
    case stageProgress(StageProgress)
    /// A job's model call waits for a rate limit or streams tokens (live, not stored).
    case modelActivity(ModelActivity)
    case gauges(Gauges)
    case quarantineAdded(QuarantineRecord)
    case quarantineRemoved(JobID)
    case approvalRequested(ApprovalRequest)
    case approvalResolved(JobID)
    case engineStateChanged(EngineRunState)
    case commandCompleted(CommandOutcome)
    /// Something the operator should read on the status line (config hints, warnings).
    case notice(String)
}

/// Whether the engine is claiming new work.
public enum EngineRunState: String, Sendable, Hashable, Codable {
    case running
    case paused
    /// Stopped claiming because an enforced budget is exhausted.
    case budgetStopped = "budget_stopped"
    /// Finishing running stages after SIGINT/SIGTERM; nothing new starts.
    case draining
    case idle
}

/// The whole view at the moment a consumer subscribes.
public struct EngineSnapshot: Sendable, Hashable, Codable {
    public var jobs: [Job]
    public var quarantine: [QuarantineRecord]
    public var approvals: [ApprovalRequest]
    /// The newest beads, oldest first (bounded; older ones are in the store).
    public var recentBeads: [Bead]
    public var stageResults: [JobID: [StageProgress]]
    public var gauges: Gauges
    public var state: EngineRunState

    public init(
        jobs: [Job] = [], quarantine: [QuarantineRecord] = [], approvals: [ApprovalRequest] = [],
        recentBeads: [Bead] = [],
        stageResults: [JobID: [StageProgress]] = [:], gauges: Gauges = Gauges(), state: EngineRunState = .idle
    ) {
        self.jobs = jobs
        self.quarantine = quarantine
        self.approvals = approvals
        self.recentBeads = recentBeads
        self.stageResults = stageResults
        self.gauges = gauges
        self.state = state
    }
}

/// A stage of one job starting, finishing, failing or running slow.
public struct StageProgress: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable { case started, slow, finished, failed, skipped }
    public var jobID: JobID
    public var stage: StageName
    public var attempt: Int
    public var status: Status
    public var output: StageOutput
    public var message: String
    public var at: Date

    public init(
        jobID: JobID, stage: StageName, attempt: Int, status: Status, output: StageOutput = .none,
        message: String = "",
        at: Date = Date()
    ) {
        self.jobID = jobID
        self.stage = stage
        self.attempt = attempt
        self.status = status
        self.output = output
        self.message = message
        self.at = at
    }
}

/// A patch waiting at the approval gate, with what the operator needs to decide.
public struct ApprovalRequest: Sendable, Hashable, Codable, Identifiable {
    public var jobID: JobID
    public var attempt: Int
    public var title: String
    /// The canonical patch (`git diff --binary`), possibly with non-UTF-8 bytes.
    public var diff: Data
    public var review: ReviewScore?
    public var tests: TestSummary?
    public var policyFlags: [String]
    public var requestedAt: Date

    public var id: JobID { jobID }

    public init(
        jobID: JobID, attempt: Int, title: String, diff: Data, review: ReviewScore? = nil,
        tests: TestSummary? = nil,
        policyFlags: [String] = [], requestedAt: Date = Date()
    ) {
        self.jobID = jobID
        self.attempt = attempt
        self.title = title
        self.diff = diff
        self.review = review
        self.tests = tests
        self.policyFlags = policyFlags
        self.requestedAt = requestedAt
    }
}

/// Spend, limits and load, for the gauges pane and `status`.
public struct Gauges: Sendable, Hashable, Codable {
    public var runSpend: Money
    public var runBudget: Money?
    public var daySpend: Money
    public var dayBudget: Money?
    public var queueDepth: Int
    public var inFlight: Int
    public var models: [ModelGauge]
    /// Approved jobs waiting to merge and the batch under test (empty without a merge queue).
    public var mergeQueue: MergeQueueStatus
    /// Bytes on disk under `.pilothouse/` (database, worktrees, pool), measured every half
    /// minute by a running engine; nil until measured or where nobody measures (read-only attach).
    public var diskUsedBytes: Int64?
    /// The engines working on the store (this one and any others sharing it).
    public var engines: [EngineRecord]
    /// Webhook deliveries that failed and wait in the outbox for their retry; nil where no
    /// `[[webhooks]]` are configured.
    public var webhooksFailing: Int?

    public init(
        runSpend: Money = .zero, runBudget: Money? = nil, daySpend: Money = .zero, dayBudget: Money? = nil,
        queueDepth: Int = 0, inFlight: Int = 0, models: [ModelGauge] = [],
        mergeQueue: MergeQueueStatus = MergeQueueStatus(), diskUsedBytes: Int64? = nil,
        engines: [EngineRecord] = [], webhooksFailing: Int? = nil
    ) {
        self.engines = engines
        self.webhooksFailing = webhooksFailing
        self.mergeQueue = mergeQueue
        self.diskUsedBytes = diskUsedBytes
        self.runSpend = runSpend
        self.runBudget = runBudget
        self.daySpend = daySpend
        self.dayBudget = dayBudget
        self.queueDepth = queueDepth
        self.inFlight = inFlight
        self.models = models
    }
}

/// One `provider:model`'s rate use and health.
public struct ModelGauge: Sendable, Hashable, Codable {
    public enum Circuit: String, Sendable, Hashable, Codable { case closed, open, halfOpen = "half_open" }
    public var model: String
    public var requestsPerMinute: Int
    public var requestsPerMinuteLimit: Int?
    public var tokensPerMinute: Int
    public var tokensPerMinuteLimit: Int?
    public var inFlight: Int
    public var circuit: Circuit
    /// Set while the provider holds this model back (a 429, an overload): seconds until the
    /// lane lets calls through again.
    public var resumesInSeconds: Int?

    public init(
        model: String, requestsPerMinute: Int = 0, requestsPerMinuteLimit: Int? = nil,
        tokensPerMinute: Int = 0,
        tokensPerMinuteLimit: Int? = nil, inFlight: Int = 0, circuit: Circuit = .closed,
        resumesInSeconds: Int? = nil
    ) {
        self.model = model
        self.requestsPerMinute = requestsPerMinute
        self.requestsPerMinuteLimit = requestsPerMinuteLimit
        self.tokensPerMinute = tokensPerMinute
        self.tokensPerMinuteLimit = tokensPerMinuteLimit
        self.inFlight = inFlight
        self.circuit = circuit
        self.resumesInSeconds = resumesInSeconds
    }
}
