import Foundation
import PilothouseCore

/// One row of `llm_calls`: a single attempt at a model call, successful or not.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public var runID: String?
    public var jobID: JobID?
    public var stage: StageName?
    public var provider: String
    /// The model that served (or failed) this attempt.
    public var model: String
    /// What the caller asked for; differs from `model` when a fallback served.
    public var requestedModel: String
    public var requestID: String?
    public var tokens: TokenCounts
    public var cost: Money
    public var latencyMillis: Int
    /// `ok`, `cache_hit`, or the failure class (`rateLimited`, `serverError`, …).
    public var outcome: String
    public var attempt: Int
    public var detail: String?
    public var createdAt: Date

    public init(
        runID: String?, jobID: JobID?, stage: StageName?, provider: String, model: String,
        requestedModel: String, requestID: String? = nil, tokens: TokenCounts = .zero, cost: Money = .zero,
        latencyMillis: Int = 0, outcome: String, attempt: Int, detail: String? = nil, createdAt: Date = Date()
    ) {
        self.runID = runID
        self.jobID = jobID
        self.stage = stage
        self.provider = provider
        self.model = model
        self.requestedModel = requestedModel
        self.requestID = requestID
        self.tokens = tokens
        self.cost = cost
        self.latencyMillis = latencyMillis
        self.outcome = outcome
        self.attempt = attempt
        self.detail = detail
        self.createdAt = createdAt
    }

    public static let outcomeOK = "ok"
    public static let outcomeCacheHit = "cache_hit"
}
