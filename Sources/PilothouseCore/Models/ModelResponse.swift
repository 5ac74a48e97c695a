/// A model's answer with what it cost, as the ledger records it.
public struct ModelResponse: Sendable, Hashable, Codable {
    public var text: String
    public var provider: String
    /// The model that actually served (may be a fallback of the one requested).
    public var model: String
    public var requestID: String?
    public var tokens: TokenCounts
    public var cost: Money
    public var latencyMillis: Int

    public init(
        text: String, provider: String, model: String, requestID: String? = nil, tokens: TokenCounts,
        cost: Money,
        latencyMillis: Int
    ) {
        self.text = text
        self.provider = provider
        self.model = model
        self.requestID = requestID
        self.tokens = tokens
        self.cost = cost
        self.latencyMillis = latencyMillis
    }
}
