/// A gateway setting that cannot work, found when the gateway is built (before any call).
public enum GatewayConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `provider:model` id names a provider that has no `[providers.NAME]` section.
    case unknownProvider(model: String, provider: String, known: [String])

    public var description: String {
        switch self {
        case .unknownProvider(let model, let provider, let known):
            "model '\(model)' names provider '\(provider)', which is not configured (known: \(known.joined(separator: ", "))); add [providers.\(provider)] to .pilothouse/pilothouse.toml or fix the name"
        }
    }
}
