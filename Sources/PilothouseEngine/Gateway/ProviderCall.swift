import PilothouseCore

/// One HTTP (or simulated) call the gateway asks a provider to make.
public struct ProviderCall: Sendable {
    public var request: ModelRequest
    /// The provider's own model name (`gpt-4o-mini`, not `openai:gpt-4o-mini`).
    public var model: String
    /// 1 for the first call made for one `complete`, counting retries and fallbacks. The
    /// simulated provider keys failure injection on it, so a retry is a fresh roll.
    public var attempt: Int
    public var timeout: Duration

    public init(request: ModelRequest, model: String, attempt: Int, timeout: Duration) {
        self.request = request
        self.model = model
        self.attempt = attempt
        self.timeout = timeout
    }
}
