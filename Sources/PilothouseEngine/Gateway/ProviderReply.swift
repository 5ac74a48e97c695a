import PilothouseCore

/// A provider's successful answer.
public struct ProviderReply: Sendable, Hashable {
    public var text: String
    public var requestID: String?
    public var tokens: TokenCounts
    public var rateLimits: RateLimitSnapshot

    public init(
        text: String, requestID: String? = nil, tokens: TokenCounts, rateLimits: RateLimitSnapshot = .init()
    ) {
        self.text = text
        self.requestID = requestID
        self.tokens = tokens
        self.rateLimits = rateLimits
    }
}
