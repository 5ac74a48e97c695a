import PilothouseCore

/// One HTTP (or simulated) call the gateway asks a provider to make.
public struct ProviderCall: Sendable {
    public var request: ModelRequest
    /// The provider's own model name (`gpt-4o-mini`, not `openai:gpt-4o-mini`).
    public var model: String
    /// 1 for the first try of this model within one `complete`, 2 for its first retry…
    /// The simulated provider keys failure injection on it, so retries can succeed.
    public var attempt: Int
    public var timeout: Duration

    public init(request: ModelRequest, model: String, attempt: Int, timeout: Duration) {
        self.request = request
        self.model = model
        self.attempt = attempt
        self.timeout = timeout
    }
}
