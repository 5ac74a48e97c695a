import Foundation

/// What a provider's response headers said about its own limits, fed back into the gateway's
/// lane for that model: how long to wait, how much is left, and the announced limits.
///
/// Every dialect in use is read here, so the providers and the gateway never look at a header
/// name themselves:
/// - standard `retry-after` (seconds or HTTP-date) and `retry-after-ms`;
/// - OpenAI `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (resets as Go durations);
/// - Anthropic `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`
///   (resets as RFC 3339 timestamps);
/// - LiteLLM, which forwards the upstream provider's headers with an `llm_provider-` prefix and
///   puts its own router's wait only in `llm_provider-retry-after` (no standard `Retry-After`).
public struct RateLimitSnapshot: Sendable, Hashable {
    /// The server's requested wait before the next call (a 429's or 503's hint).
    public var retryAfter: Duration?
    public var limitRequests: Int?
    public var limitTokens: Int?
    public var remainingRequests: Int?
    public var remainingTokens: Int?
    public var requestsReset: Duration?
    public var tokensReset: Duration?

    public init(
        retryAfter: Duration? = nil, limitRequests: Int? = nil, limitTokens: Int? = nil,
        remainingRequests: Int? = nil, remainingTokens: Int? = nil, requestsReset: Duration? = nil,
        tokensReset: Duration? = nil
    ) {
        self.retryAfter = retryAfter
        self.limitRequests = limitRequests
        self.limitTokens = limitTokens
        self.remainingRequests = remainingRequests
        self.remainingTokens = remainingTokens
        self.requestsReset = requestsReset
        self.tokensReset = tokensReset
    }

    /// No header of any dialect was present: the gateway must adapt on its own (see `ModelLane`).
    public var isEmpty: Bool { self == RateLimitSnapshot() }

    /// The longest wait any header asks for: the explicit retry hint, or the reset of a limit
    /// the server reports as used up.
    public var impliedWait: Duration? {
        var waits: [Duration] = []
        if let retryAfter { waits.append(retryAfter) }
        if remainingRequests == 0, let requestsReset { waits.append(requestsReset) }
        if remainingTokens == 0, let tokensReset { waits.append(tokensReset) }
        return waits.max()
    }

    /// Reads every dialect from a header set; names are matched case-insensitively.
    public static func parse(headers: [String: String], now: Date) -> RateLimitSnapshot {
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        /// The header itself, else LiteLLM's forwarded copy of it.
        func value(_ name: String) -> String? { lowered[name] ?? lowered["llm_provider-" + name] }
        func int(_ name: String) -> Int? {
            guard let text = value(name)?.trimmingCharacters(in: .whitespaces), let number = Int(text),
                number >= 0
            else { return nil }
            return number
        }
        func reset(_ name: String) -> Duration? {
            value(name).flatMap { RetryAfterParser.resetDelay($0, now: now) }
        }
        var snapshot = RateLimitSnapshot()
        if let text = value("retry-after-ms"), let wait = RetryAfterParser.retryAfterMilliseconds(text) {
            snapshot.retryAfter = wait
        } else if let text = value("retry-after") {
            snapshot.retryAfter = RetryAfterParser.retryAfter(text, now: now)
        }
        // OpenAI (and LiteLLM, which reports its own router limits under the same names).
        snapshot.limitRequests = int("x-ratelimit-limit-requests")
        snapshot.limitTokens = int("x-ratelimit-limit-tokens")
        snapshot.remainingRequests = int("x-ratelimit-remaining-requests")
        snapshot.remainingTokens = int("x-ratelimit-remaining-tokens")
        snapshot.requestsReset = reset("x-ratelimit-reset-requests")
        snapshot.tokensReset = reset("x-ratelimit-reset-tokens")
        // Anthropic: requests, plus up to three token limits; the tightest token limit governs.
        snapshot.limitRequests = snapshot.limitRequests ?? int("anthropic-ratelimit-requests-limit")
        snapshot.remainingRequests =
            snapshot.remainingRequests ?? int("anthropic-ratelimit-requests-remaining")
        snapshot.requestsReset = snapshot.requestsReset ?? reset("anthropic-ratelimit-requests-reset")
        for kind in ["tokens", "input-tokens", "output-tokens"] {
            let prefix = "anthropic-ratelimit-\(kind)-"
            if let limit = int(prefix + "limit") {
                snapshot.limitTokens = min(snapshot.limitTokens ?? limit, limit)
            }
            if let remaining = int(prefix + "remaining"),
                remaining < (snapshot.remainingTokens ?? Int.max)
            {
                snapshot.remainingTokens = remaining
                snapshot.tokensReset = reset(prefix + "reset") ?? snapshot.tokensReset
            }
        }
        return snapshot
    }
}
