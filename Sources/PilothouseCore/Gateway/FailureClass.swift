/// What kind of failure a model call ended in, which decides what the gateway does next.
///
/// Finer than transient/permanent because the reactions differ: a 429 feeds the rate-limit
/// buckets but says nothing about the model's health, an overload or 5xx should count
/// towards the circuit breaker, and a context-length error is permanent for this model yet
/// may well succeed on a fallback with a larger window.
public enum FailureClass: String, Sendable, Hashable, Codable, CaseIterable {
    // Transient: the same request may succeed later.
    /// 429: slow down and retry after the server's hint.
    case rateLimited
    /// 503, 529 (Anthropic "overloaded_error"): the provider is shedding load.
    case overloaded
    /// 500, 502, other 5xx.
    case serverError
    /// 408, 504 and client-side timeouts.
    case timeout
    /// Connection reset, refused or lost, DNS or TLS hiccups: the request may never have arrived.
    case network
    /// 409, 425: the server asks for a plain retry.
    case conflict

    // Permanent: retrying the same request on the same model cannot help.
    /// 401, 403, or an exhausted account quota (a 429 with `insufficient_quota`).
    case authentication
    /// 400, 422, 413 and other 4xx: the request itself is wrong.
    case invalidRequest
    /// 404: unknown model or endpoint, usually a configuration error.
    case notFound
    /// The prompt does not fit the model's context window.
    case contextLengthExceeded

    /// The call was cancelled by us; neither a retry nor a strike against the model.
    case cancelled

    /// Worth retrying the same request on the same model (after a backoff).
    public var isTransient: Bool {
        switch self {
        case .rateLimited, .overloaded, .serverError, .timeout, .network, .conflict: true
        case .authentication, .invalidRequest, .notFound, .contextLengthExceeded, .cancelled: false
        }
    }

    /// Whether this failure is evidence that the model or its provider is unhealthy. Rate
    /// limits are our own doing and bad requests are the caller's, so neither trips a breaker.
    public var countsTowardCircuitBreaker: Bool {
        switch self {
        case .overloaded, .serverError, .timeout, .network: true
        case .rateLimited, .conflict, .authentication, .invalidRequest, .notFound,
            .contextLengthExceeded, .cancelled:
            false
        }
    }

    /// Whether a fallback model might succeed where this one failed permanently.
    public var fallbackMayHelp: Bool {
        switch self {
        case .contextLengthExceeded, .notFound, .overloaded, .serverError, .timeout, .network, .rateLimited:
            true
        case .conflict, .authentication, .invalidRequest, .cancelled: false
        }
    }
}
