import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// The gateway's sections of pilothouse.toml and the factory's defaults.
@Suite("Gateway configuration")
struct GatewayConfigTests {
    @Test func readsEverySection() throws {
        let text = """
            [providers.openai]
            base_url = "http://127.0.0.1:4000/v1"
            api_key_env = "LITELLM_KEY"

            [providers.claude]
            type = "anthropic"
            base_url = "http://127.0.0.1:4000"

            [models."openai:gpt-4o"]
            rpm = 60
            tpm = 30000
            concurrency = 4
            fallbacks = ["claude:claude-sonnet-4", "simulated:sim-1"]

            [pricing."gpt-4o"]
            input_per_mtok = 2.5
            output_per_mtok = 10
            cached_input_per_mtok = "1.25"

            [budget]
            run_usd = 5
            day_usd = 20.5
            job_usd = 0.75
            mode = "warn"

            [cache]
            enabled = true
            stages = ["analyze", "plan"]
            max_size_mb = 16
            ttl_hours = 48

            [gateway]
            default_model = "openai:gpt-4o"
            max_attempts = 5
            transcripts = true

            [simulated]
            seed = 9
            failure_rate = 0.05
            rate_429 = 0.1
            latency_ms_p50 = 10
            latency_ms_p99 = 50
            """
        let config = try PilothouseConfig.parse(text, path: "p.toml").gateway
        #expect(config.providers["openai"]?.kind == .openai)
        #expect(config.providers["openai"]?.apiKeyEnv == "LITELLM_KEY")
        #expect(config.providers["claude"]?.kind == .anthropic)
        #expect(config.providers["claude"]?.apiKeyEnv == "ANTHROPIC_API_KEY")
        #expect(config.models["openai:gpt-4o"]?.requestsPerMinute == 60)
        #expect(config.models["openai:gpt-4o"]?.fallbacks == ["claude:claude-sonnet-4", "simulated:sim-1"])
        #expect(config.pricing["gpt-4o"] == ModelPrice("2.50", "10", cached: "1.25"))
        #expect(config.budget.dayUSD == Money(dollars: "20.5"))
        #expect(config.budget.mode == .warn)
        #expect(config.budget.limits().count == 3)
        #expect(config.cache.stages == ["analyze", "plan"])
        #expect(config.cache.maxBytes == 16 * 1024 * 1024)
        #expect(config.gateway.defaultModel == "openai:gpt-4o")
        #expect(config.gateway.transcripts)
        #expect(config.simulated.seed == 9)
        #expect(config.simulated.rate429 == 0.1)
    }

    @Test func unknownKeysNameTheirLine() {
        let text = "[providers.openai]\nbase_url = \"http://x/v1\"\nbase_ulr = \"typo\"\n"
        #expect(throws: ConfigError.self) { try PilothouseConfig.parse(text, path: "p.toml") }
        do {
            _ = try PilothouseConfig.parse(text, path: "p.toml")
        } catch {
            #expect(error.description.contains("p.toml:3"))
            #expect(error.description.contains("providers.openai.base_ulr"))
        }
    }

    @Test func noConfigMeansSimulatedAndAHint() async throws {
        let config = PilothouseConfig()
        #expect(GatewayFactory.statusHint(config: config)?.hasPrefix("simulated provider:") == true)
        var quiet = config
        quiet.gateway.simulated.latencyP50Millis = 0
        let gateway = try GatewayFactory.make(config: quiet, store: nil, runID: nil)
        let response = try await gateway.complete(GatewayFixture.request(model: ""))
        #expect(response.model == "simulated:sim-1")
        #expect(response.cost == .zero)
    }

    @Test func aMistypedProviderIsReported() {
        var config = PilothouseConfig()
        config.gateway.gateway.defaultModel = "opnai:gpt-4o"
        #expect(throws: GatewayConfigurationError.self) {
            _ = try GatewayFactory.make(config: config, store: nil, runID: nil)
        }
    }
}
