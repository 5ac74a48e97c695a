import Foundation
import PilothouseCore

/// Reading the gateway's sections out of `pilothouse.toml`; `PilothouseConfig.parse` calls
/// one of these per section.
extension GatewayConfig {
    /// Reads every gateway section present; each rejects its own unknown keys.
    static func read(_ reader: inout ConfigReader, into config: inout GatewayConfig) throws(ConfigError) {
        typealias Reader = (inout ConfigReader.Section, inout GatewayConfig) throws(ConfigError) -> Void
        let sections: [(String, Reader)] = [
            ("providers", readProviders), ("models", readModels), ("pricing", readPricing),
            ("budget", readBudget),
            ("cache", readCache), ("gateway", readGateway), ("simulated", readSimulated),
        ]
        for (name, read) in sections {
            try reader.section(name) { (section: inout ConfigReader.Section) throws(ConfigError) in
                try read(&section, &config)
            }
        }
    }

    static func readProviders(_ section: inout ConfigReader.Section, _ config: inout GatewayConfig)
        throws(ConfigError)
    {
        try section.namedTables { (name: String, provider: inout ConfigReader.Section) throws(ConfigError) in
            let typeText = try provider.string("type") ?? name
            guard let kind = ProviderKind(rawValue: typeText) else {
                throw provider.invalid(
                    "type", typeText, expected: ProviderKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            var value = Provider(kind: kind, baseURL: try provider.string("base_url"))
            if let env = try provider.string("api_key_env") { value.apiKeyEnv = env }
            if let seconds = try provider.int("timeout_seconds", range: 1...3600) {
                value.timeoutSeconds = seconds
            }
            if let version = try provider.string("anthropic_version") { value.anthropicVersion = version }
            if let stream = try provider.bool("stream") { value.stream = stream }
            if kind != .simulated {
                guard let url = URL(string: value.baseURL), let scheme = url.scheme,
                    ["http", "https"].contains(scheme), url.host != nil
                else {
                    throw provider.invalid("base_url", value.baseURL, expected: "an http:// or https:// URL")
                }
            }
            config.providers[name] = value
        }
    }

    static func readModels(_ section: inout ConfigReader.Section, _ config: inout GatewayConfig)
        throws(ConfigError)
    {
        try section.namedTables { (name: String, model: inout ConfigReader.Section) throws(ConfigError) in
            var value = Model()
            value.requestsPerMinute = try model.int("rpm", range: 1...TokenBucket.maximumCapacity)
            value.tokensPerMinute = try model.int("tpm", range: 1...TokenBucket.maximumCapacity)
            value.concurrency = try model.int("concurrency", range: 1...10_000)
            value.fallbacks = try model.stringArray("fallbacks") ?? []
            config.models[name] = value
        }
    }

    static func readPricing(_ section: inout ConfigReader.Section, _ config: inout GatewayConfig)
        throws(ConfigError)
    {
        try section.namedTables { (name: String, price: inout ConfigReader.Section) throws(ConfigError) in
            guard let input = try price.money("input_per_mtok") else {
                throw price.invalid("input_per_mtok", "(missing)", expected: "USD per million input tokens")
            }
            guard let output = try price.money("output_per_mtok") else {
                throw price.invalid("output_per_mtok", "(missing)", expected: "USD per million output tokens")
            }
            let cached = try price.money("cached_input_per_mtok")
            config.pricing[name] = ModelPrice(input: input, output: output, cachedInput: cached)
        }
    }

    static func readBudget(_ section: inout ConfigReader.Section, _ config: inout GatewayConfig)
        throws(ConfigError)
    {
        config.budget.runUSD = try section.money("run_usd")
        config.budget.dayUSD = try section.money("day_usd")
        config.budget.jobUSD = try section.money("job_usd")
        if let tokens = try section.int("min_output_tokens", range: 1...1_000_000) {
            config.budget.minOutputTokens = tokens
        }
        if let mode = try section.string("mode") {
            guard let value = BudgetLimit.Mode(rawValue: mode) else {
                throw section.invalid("mode", mode, expected: "enforce or warn")
            }
            config.budget.mode = value
        }
    }

    static func readCache(_ section: inout ConfigReader.Section, _ config: inout GatewayConfig)
        throws(ConfigError)
    {
        if let enabled = try section.bool("enabled") { config.cache.enabled = enabled }
        if let stages = try section.stringArray("stages") { config.cache.stages = stages }
        if let megabytes = try section.int("max_size_mb", range: 1...1_000_000) {
            config.cache.maxBytes = megabytes * 1024 * 1024
        }
        if let hours = try section.int("ttl_hours", range: 1...87_600) {
            config.cache.ttlSeconds = hours * 3600
        }
    }

    static func readGateway(_ section: inout ConfigReader.Section, _ config: inout GatewayConfig)
        throws(ConfigError)
    {
        var settings = config.gateway
        if let model = try section.string("default_model") { settings.defaultModel = model }
        if let value = try section.int("max_attempts", range: 1...20) { settings.maxAttempts = value }
        if let value = try section.int("backoff_base_ms", range: 0...600_000) {
            settings.backoffBaseMillis = value
        }
        if let value = try section.int("backoff_cap_seconds", range: 0...3600) {
            settings.backoffCapSeconds = value
        }
        if let value = try section.int("breaker_failures", range: 1...1000) {
            settings.breakerFailures = value
        }
        if let value = try section.int("breaker_cooldown_seconds", range: 0...3600) {
            settings.breakerCooldownSeconds = value
        }
        if let value = try section.int("circuit_wait_seconds", range: 0...86_400) {
            settings.circuitWaitSeconds = value
        }
        if let value = try section.int("rate_limit_wait_seconds", range: 0...86_400) {
            settings.rateLimitWaitSeconds = value
        }
        if let value = try section.int("stream_idle_seconds", range: 1...3600) {
            settings.streamIdleSeconds = value
        }
        if let value = try section.int("default_concurrency", range: 1...10_000) {
            settings.defaultConcurrency = value
        }
        if let value = try section.bool("transcripts") { settings.transcripts = value }
        config.gateway = settings
    }

    static func readSimulated(_ section: inout ConfigReader.Section, _ config: inout GatewayConfig)
        throws(ConfigError)
    {
        var simulated = config.simulated
        if let seed = try section.int("seed", range: 0...Int.max) { simulated.seed = UInt64(seed) }
        if let value = try section.int("latency_ms_p50", range: 0...600_000) {
            simulated.latencyP50Millis = value
        }
        if let value = try section.int("latency_ms_p99", range: 0...600_000) {
            simulated.latencyP99Millis = value
        }
        if let value = try section.double("failure_rate", range: 0...1) { simulated.failureRate = value }
        if let value = try section.double("rate_429", range: 0...1) { simulated.rate429 = value }
        if let value = try section.double("rate_500", range: 0...1) { simulated.rate500 = value }
        if let value = try section.double("rate_timeout", range: 0...1) { simulated.rateTimeout = value }
        if let value = try section.double("rate_malformed", range: 0...1) { simulated.rateMalformed = value }
        if let value = try section.int("retry_after_seconds", range: 0...3600) {
            simulated.retryAfterSeconds = value
        }
        if simulated.latencyP99Millis < simulated.latencyP50Millis {
            throw section.invalid(
                "latency_ms_p99", String(simulated.latencyP99Millis), expected: "at least latency_ms_p50")
        }
        config.simulated = simulated
    }
}
