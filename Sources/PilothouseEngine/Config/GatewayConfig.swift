import Foundation
import PilothouseCore

/// The gateway's settings: providers, per-model limits and fallbacks, prices, budgets, the
/// response cache, retry policy and the simulated provider.
///
/// Every field has a default so that a repository without any of these sections runs on the
/// embedded simulated provider with no budget, which is what a first `pilothouse run` needs.
public struct GatewayConfig: Sendable, Equatable {
    /// `[providers.NAME]`, keyed by NAME, which is the prefix of `NAME:model` ids.
    public var providers: [String: Provider] = [:]
    /// `[models."provider:model"]`.
    public var models: [String: Model] = [:]
    /// `[pricing."model"]`, merged over `PricingTable.defaults`.
    public var pricing: [String: ModelPrice] = [:]
    public var budget = Budget()
    public var cache = Cache()
    public var gateway = Settings()
    public var simulated = Simulated()

    public init() {}

    public enum ProviderKind: String, Sendable, Equatable, CaseIterable {
        case openai, anthropic, simulated
    }

    public struct Provider: Sendable, Equatable {
        public var kind: ProviderKind
        /// For `openai`, up to and including `/v1` (requests go to `BASE/chat/completions`);
        /// for `anthropic`, the host (requests go to `BASE/v1/messages`). Matching each API's
        /// own SDK convention lets users paste the URL their other tools already use.
        public var baseURL: String
        /// Name of the environment variable holding the key; never the key itself, so the
        /// file can be committed.
        public var apiKeyEnv: String?
        public var timeoutSeconds: Int = 120
        public var anthropicVersion = "2023-06-01"
        /// Stream answers (server-sent events), so progress shows live and a stalled stream is
        /// noticed; a server that answers with plain JSON anyway is read as such.
        public var stream = true

        public init(kind: ProviderKind, baseURL: String? = nil, apiKeyEnv: String? = nil) {
            self.kind = kind
            switch kind {
            case .openai:
                self.baseURL = baseURL ?? "https://api.openai.com/v1"
                self.apiKeyEnv = apiKeyEnv ?? "OPENAI_API_KEY"
            case .anthropic:
                self.baseURL = baseURL ?? "https://api.anthropic.com"
                self.apiKeyEnv = apiKeyEnv ?? "ANTHROPIC_API_KEY"
            case .simulated:
                self.baseURL = baseURL ?? ""
                self.apiKeyEnv = apiKeyEnv
            }
        }
    }

    public struct Model: Sendable, Equatable {
        public var requestsPerMinute: Int?
        public var tokensPerMinute: Int?
        public var concurrency: Int?
        /// Tried in order when this model fails for good or its circuit is open.
        public var fallbacks: [String] = []
        public init() {}
    }

    public struct Budget: Sendable, Equatable {
        public var runUSD: Money?
        public var dayUSD: Money?
        public var jobUSD: Money?
        public var mode: BudgetLimit.Mode = .enforce
        /// The fewest output tokens a call may be lowered to when the remaining budget cannot
        /// pay for its full `max_tokens`; below it the job waits in `budget_hold`.
        public var minOutputTokens = 256
        public init() {}

        /// The limits for a run; `runOverride` (from `run --budget`) is always enforced,
        /// because a user who types a budget on the command line means it as a cap.
        public func limits(runOverride: Money? = nil) -> [BudgetLimit] {
            var limits: [BudgetLimit] = []
            if let runOverride {
                limits.append(BudgetLimit(scope: .run, limit: runOverride, mode: .enforce))
            } else if let runUSD {
                limits.append(BudgetLimit(scope: .run, limit: runUSD, mode: mode))
            }
            if let dayUSD { limits.append(BudgetLimit(scope: .day, limit: dayUSD, mode: mode)) }
            if let jobUSD { limits.append(BudgetLimit(scope: .job, limit: jobUSD, mode: mode)) }
            return limits
        }
    }

    public struct Cache: Sendable, Equatable {
        public var enabled = false
        /// Stages whose calls may be answered from the cache; empty means every stage.
        public var stages: [String] = []
        public var maxBytes = 256 * 1024 * 1024
        public var ttlSeconds = 7 * 24 * 3600
        public init() {}

        public func applies(to stage: StageName?) -> Bool {
            guard enabled else { return false }
            guard !stages.isEmpty else { return true }
            return stage.map { stages.contains($0.rawValue) } ?? false
        }
    }

    /// `[gateway]`: retry, breaker and queue policy.
    public struct Settings: Sendable, Equatable {
        /// The model stages get when their template names none.
        public var defaultModel = "simulated:sim-1"
        public var maxAttempts = 4
        public var backoffBaseMillis = 500
        public var backoffCapSeconds = 60
        public var breakerFailures = 5
        public var breakerCooldownSeconds = 30
        /// How long a call waits while every model of its chain has an open circuit before it
        /// gives up with `circuitOpen` (which the engine treats as a hold, not an attempt).
        public var circuitWaitSeconds = 300
        /// How long one call may wait in total for a provider that answers "too many requests"
        /// or "overloaded" before its stage fails; generous, because such a limit lifts by itself.
        public var rateLimitWaitSeconds = 900
        /// A streamed answer with no byte for this long is a timeout (and retried).
        public var streamIdleSeconds = 60
        public var defaultConcurrency = 8
        public var transcripts = false
        public init() {}

        public var backoff: Backoff {
            Backoff(
                base: .milliseconds(backoffBaseMillis), cap: .seconds(backoffCapSeconds),
                maxAttempts: maxAttempts)
        }
    }

    /// `[simulated]`: the offline provider's behaviour, deterministic per seed.
    public struct Simulated: Sendable, Equatable {
        public var seed: UInt64 = 0
        public var latencyP50Millis = 120
        public var latencyP99Millis = 900
        /// Overall injected failure rate, spread evenly over the four kinds below.
        public var failureRate = 0.0
        public var rate429 = 0.0
        public var rate500 = 0.0
        public var rateTimeout = 0.0
        public var rateMalformed = 0.0
        /// The Retry-After an injected 429 carries.
        public var retryAfterSeconds = 1
        public init() {}
    }
}
