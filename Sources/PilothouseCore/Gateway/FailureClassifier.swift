import Foundation

/// Maps HTTP statuses, error bodies and transport errors to a `FailureClass`.
///
/// Kept pure and table-like so the retry policy can be read and tested in one place rather
/// than scattered over each provider adapter.
public enum FailureClassifier {
    /// Classifies an HTTP error response. `body` is inspected because providers reuse
    /// statuses: OpenAI sends 429 for an exhausted quota, which no amount of waiting fixes,
    /// and both OpenAI and Anthropic report an over-long prompt as a plain 400.
    public static func classify(status: Int, body: String? = nil) -> FailureClass {
        let text = body?.lowercased() ?? ""
        if isContextLength(text) { return .contextLengthExceeded }
        switch status {
        case 429:
            return text.contains("insufficient_quota") || text.contains("billing")
                ? .authentication : .rateLimited
        case 408: return .timeout
        case 409, 425: return .conflict
        case 503, 529: return .overloaded
        case 504: return .timeout
        case 500...599:
            return text.contains("overloaded") ? .overloaded : .serverError
        case 401, 403: return .authentication
        case 404: return .notFound
        case 400 where isUnknownModel(text): return .notFound
        case 413: return .contextLengthExceeded
        case 400...499: return .invalidRequest
        default:
            // A 1xx/2xx/3xx reaching error handling means a response we could not use; a
            // retry is the only sensible reaction and the breaker should notice repeats.
            return .serverError
        }
    }

    /// Classifies an error thrown while sending or receiving.
    public static func classify(error: any Error) -> FailureClass {
        if error is CancellationError { return .cancelled }
        if let transport = error as? TransportFailure { return classify(transport) }
        if let urlError = error as? URLError { return classify(urlError.code) }
        if let posix = error as? POSIXError { return classify(posixCode: posix.code) }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(nsError.code)) {
            return classify(posixCode: code)
        }
        // Unknown errors are treated as network trouble: retrying is bounded by the backoff's
        // attempt limit, whereas wrongly calling them permanent would fail jobs on a blip.
        return .network
    }

    public static func classify(_ failure: TransportFailure) -> FailureClass {
        switch failure {
        case .timedOut: .timeout
        case .connectionReset, .connectionRefused, .connectionLost, .hostNotFound, .tlsFailure: .network
        case .malformedResponse: .serverError
        case .cancelled: .cancelled
        }
    }

    private static func classify(_ code: URLError.Code) -> FailureClass {
        switch code {
        case .timedOut: .timeout
        case .cancelled: .cancelled
        case .badURL, .unsupportedURL, .userAuthenticationRequired: .invalidRequest
        case .userCancelledAuthentication: .authentication
        case .badServerResponse, .cannotParseResponse, .cannotDecodeContentData, .cannotDecodeRawData,
            .zeroByteResource:
            .serverError
        default: .network
        }
    }

    private static func classify(posixCode code: POSIXErrorCode) -> FailureClass {
        switch code {
        case .ETIMEDOUT: .timeout
        case .ECANCELED: .cancelled
        default: .network
        }
    }

    /// Whether a failed call is a wait rather than a failure: a 429, an Anthropic 529
    /// (overloaded), or a 503 that says when to come back. Such a call goes back to its model's
    /// queue without spending a retry; only a provider that keeps refusing past the gateway's
    /// wait limit fails it.
    public static func isWait(status: Int?, failure: FailureClass, retryHint: Duration?) -> Bool {
        switch failure {
        case .rateLimited: true
        case .overloaded: status == 529 || retryHint != nil
        default: false
        }
    }

    /// LiteLLM's `Invalid model name passed in model=…` and OpenAI's `model_not_found` come as
    /// a 400 from some servers; both mean the configured model name is wrong.
    private static func isUnknownModel(_ text: String) -> Bool {
        ["invalid model name", "model_not_found", "does not exist"].contains { text.contains($0) }
    }

    private static func isContextLength(_ text: String) -> Bool {
        let markers = [
            "context_length_exceeded", "maximum context length", "context window", "prompt is too long",
            "too many tokens", "input is too long", "reduce the length", "contextwindowexceedederror",
        ]
        return markers.contains { text.contains($0) }
    }
}
