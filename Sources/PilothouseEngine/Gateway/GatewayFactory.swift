import Foundation
import PilothouseCore

/// Builds the gateway the executable uses, from configuration.
///
/// The simulated provider is always registered as `simulated`, so a repository with no
/// `[providers]` section (or a template naming `simulated:…`) runs offline.
public enum GatewayFactory {
    /// - Parameters:
    ///   - runBudget: `pilothouse run --budget USD`; an enforced cap on this run.
    ///   - redact: applied to transcripts before they are stored (the Workspace redactor).
    ///   - environment: where `api_key_env` variables are read.
    public static func make(
        config: PilothouseConfig, store: (any GatewayStore)?, runID: String?, runBudget: Money? = nil,
        redact: @escaping @Sendable (String) -> String = { $0 },
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any GatewayClock = SystemGatewayClock()
    ) throws(GatewayConfigurationError) -> Gateway {
        let gatewayConfig = config.gateway
        let providers = makeProviders(gatewayConfig, environment: environment)
        try validate(gatewayConfig, providers: Set(providers.keys))
        return Gateway(
            options: GatewayOptions(config: gatewayConfig, runBudget: runBudget, redact: redact),
            providers: providers, store: store, runID: runID, clock: clock)
    }

    static func makeProviders(_ config: GatewayConfig, environment: [String: String]) -> [String:
        any ModelProvider]
    {
        var providers: [String: any ModelProvider] = [
            "simulated": SimulatedProvider(settings: config.simulated)
        ]
        for (name, provider) in config.providers {
            let key = provider.apiKeyEnv.flatMap { environment[$0] }
            let streaming =
                provider.stream ? StreamSettings(idle: .seconds(config.gateway.streamIdleSeconds)) : nil
            switch provider.kind {
            case .openai:
                providers[name] = OpenAIProvider(
                    name: name, baseURL: provider.baseURL, apiKey: key, streaming: streaming)
            case .anthropic:
                providers[name] = AnthropicProvider(
                    name: name, baseURL: provider.baseURL, apiKey: key, version: provider.anthropicVersion,
                    streaming: streaming)
            case .simulated:
                providers[name] = SimulatedProvider(settings: config.simulated)
            }
        }
        return providers
    }

    /// Catches a mistyped provider prefix before it silently becomes a model name of the
    /// default provider.
    static func validate(_ config: GatewayConfig, providers: Set<String>) throws(GatewayConfigurationError) {
        let ids =
            [config.gateway.defaultModel] + config.models.keys.sorted()
            + config.models.keys.sorted().flatMap { config.models[$0]?.fallbacks ?? [] }
        let onlySimulated = providers.allSatisfy { name in
            name == "simulated" || config.providers[name]?.kind == .simulated
        }
        for id in ids {
            guard let colon = id.firstIndex(of: ":") else { continue }
            let prefix = String(id[..<colon])
            if !providers.contains(prefix) && (onlySimulated || id == config.gateway.defaultModel) {
                throw .unknownProvider(model: id, provider: prefix, known: providers.sorted())
            }
        }
    }

    /// A line for the console's status bar, or nil when nothing needs saying.
    public static func statusHint(
        config: PilothouseConfig, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        let real = config.gateway.providers.filter { $0.value.kind != .simulated }
        if real.isEmpty {
            return
                "simulated provider: add [providers.openai] to .pilothouse/pilothouse.toml"
        }
        let missing = real.sorted { $0.key < $1.key }.compactMap { name, provider -> String? in
            guard let variable = provider.apiKeyEnv, environment[variable] == nil else { return nil }
            return "\(name) (\(variable))"
        }
        guard !missing.isEmpty else { return nil }
        return "API key variable not set for \(missing.joined(separator: ", ")); calls may be refused"
    }
}
