import PilothouseCore

/// Why a provider call failed, with what the gateway needs to react: the failure class, the
/// server's requested wait, and its rate-limit headers.
public enum ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server answered with an error status.
    case http(
        status: Int, failure: FailureClass, message: String, retryAfter: Duration?,
        rateLimits: RateLimitSnapshot,
        requestID: String?)
    /// Nothing usable arrived: connection refused or reset, timeout, truncated body.
    case transport(FailureClass, message: String)
    /// A 2xx response whose body is not the API's JSON shape.
    case malformed(message: String, requestID: String?)
    /// The provider is configured with a key variable that is not set.
    case missingKey(provider: String, variable: String)

    public var failure: FailureClass {
        switch self {
        case .http(_, let failure, _, _, _, _): failure
        case .transport(let failure, _): failure
        case .malformed: FailureClassifier.classify(TransportFailure.malformedResponse)
        case .missingKey: .authentication
        }
    }

    /// The HTTP status, when the server answered at all.
    public var status: Int? {
        if case .http(let status, _, _, _, _, _) = self { return status }
        return nil
    }

    /// The server's own words (no hint appended), for messages that add their own advice.
    public var serverMessage: String {
        switch self {
        case .http(let status, _, let message, _, _, _): "HTTP \(status): \(message)"
        default: description
        }
    }

    public var retryAfter: Duration? {
        if case .http(_, _, _, let retryAfter, _, _) = self { return retryAfter }
        return nil
    }

    public var rateLimits: RateLimitSnapshot? {
        if case .http(_, _, _, _, let limits, _) = self { return limits }
        return nil
    }

    public var requestID: String? {
        switch self {
        case .http(_, _, _, _, _, let id): id
        case .malformed(_, let id): id
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .http(let status, let failure, let message, _, _, _):
            let hint: String
            switch failure {
            case .authentication: hint = " (check the API key variable named by api_key_env)"
            case .notFound: hint = " (check the model name and base_url)"
            default: hint = ""
            }
            return "HTTP \(status): \(message)\(hint)"
        case .transport(let failure, let message): return "\(failure.rawValue): \(message)"
        case .malformed(let message, _): return "malformed response: \(message)"
        case .missingKey(let provider, let variable):
            return "provider \(provider) needs an API key: export \(variable)=… before starting Pilothouse"
        }
    }
}
