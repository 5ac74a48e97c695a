/// What model-calling stages talk to. The gateway is the real one; tests use doubles.
public protocol ModelClient: Sendable {
    func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse
}

/// Why a model call did not produce an answer; the engine decides retry, hold or fail from it.
public enum ModelClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An enforced budget cannot cover the call's estimate: the job goes to `budget_hold`.
    /// `detail` gives the numbers (what is left, this call's minimum, the model's price) and
    /// what to change.
    case budgetExceeded(scope: String, remaining: Money, detail: String = "")
    /// Retries were exhausted on transient failures (429, 5xx, timeouts).
    case exhausted(model: String, attempts: Int, lastError: String)
    /// The provider refused in a way retrying will not fix (401, 400, unknown model…).
    case permanent(model: String, message: String)
    /// Every model of the fallback chain has an open circuit.
    case circuitOpen(model: String)
    case cancelled
    /// No provider is configured for the requested model.
    case unknownModel(String)
    /// The prompt does not fit the model's context window (the stage may retry with less).
    case contextTooLarge(model: String, overflow: ContextOverflow, message: String)
    /// The provider kept answering "too many requests" (or overloaded) for longer than the
    /// gateway's wait limit; waiting was tried, the provider never let the call through.
    case rateLimited(model: String, waitedSeconds: Int, limitSeconds: Int, lastError: String)

    public var description: String {
        switch self {
        case .budgetExceeded(let scope, let remaining, let detail):
            "the \(scope) budget cannot cover this call (\(remaining) left)"
                + (detail.isEmpty ? "" : ": \(detail)")
        case .exhausted(let model, let attempts, let lastError):
            "\(model) failed \(attempts) times; last: \(lastError)"
        case .permanent(let model, let message): "\(model) refused the request: \(message)"
        case .circuitOpen(let model):
            "\(model) is failing repeatedly (circuit open); try again after the cooldown"
        case .cancelled: "the call was cancelled"
        case .unknownModel(let model): "no provider is configured for model '\(model)'"
        case .contextTooLarge(let model, let overflow, let message):
            "\(model): the prompt does not fit the context window (\(overflow.summary)): \(message)"
        case .rateLimited(let model, let waited, let limit, let lastError):
            "\(model) kept refusing for rate limits: waited \(waited) s, past the limit of \(limit) s "
                + "([gateway] rate_limit_wait_seconds); lower this model's rpm or raise the limit. Last: \(lastError)"
        }
    }
}
