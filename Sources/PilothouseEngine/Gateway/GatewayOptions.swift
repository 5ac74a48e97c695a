import Foundation
import PilothouseCore

/// The gateway's policy, resolved from `GatewayConfig` once at start-up.
public struct GatewayOptions: Sendable {
    public var defaultModel: String
    public var models: [String: GatewayConfig.Model]
    public var pricing: PricingTable
    public var budgetLimits: [BudgetLimit]
    /// See `GatewayConfig.Budget.minOutputTokens`.
    public var minOutputTokens: Int
    public var backoff: Backoff
    public var breakerFailures: Int
    public var breakerCooldown: Duration
    public var circuitWait: Duration
    /// The most one call waits, in total, on 429s and overloads before it fails.
    public var rateLimitWait: Duration
    /// `api_key_env` per provider name, so an authentication error can name the variable.
    public var keyVariables: [String: String]
    public var defaultConcurrency: Int
    /// Per provider name; calls to others use `defaultTimeout`.
    public var timeouts: [String: Duration]
    public var defaultTimeout: Duration = .seconds(120)
    public var cache: GatewayConfig.Cache
    public var transcripts: Bool
    /// Applied to every prompt and response before a transcript is stored. The executable
    /// wires the Workspace redactor here; the default removes nothing.
    public var redact: @Sendable (String) -> String
    public var estimator: TokenEstimator

    public init(
        config: GatewayConfig = GatewayConfig(), runBudget: Money? = nil,
        redact: @escaping @Sendable (String) -> String = { $0 }
    ) {
        defaultModel = config.gateway.defaultModel
        models = config.models
        pricing = PricingTable.defaults.merging(config.pricing)
        budgetLimits = config.budget.limits(runOverride: runBudget)
        minOutputTokens = config.budget.minOutputTokens
        backoff = config.gateway.backoff
        breakerFailures = config.gateway.breakerFailures
        breakerCooldown = .seconds(config.gateway.breakerCooldownSeconds)
        circuitWait = .seconds(config.gateway.circuitWaitSeconds)
        rateLimitWait = .seconds(config.gateway.rateLimitWaitSeconds)
        keyVariables = config.providers.compactMapValues(\.apiKeyEnv)
        defaultConcurrency = config.gateway.defaultConcurrency
        timeouts = config.providers.mapValues { .seconds($0.timeoutSeconds) }
        cache = config.cache
        transcripts = config.gateway.transcripts
        self.redact = redact
        estimator = TokenEstimator()
    }
}
