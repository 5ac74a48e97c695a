import Foundation
import PilothouseCore

/// What a provider's rate-limit headers said about its own buckets, fed back into ours.
public struct RateLimitSnapshot: Sendable, Hashable {
    public var remainingRequests: Int?
    public var remainingTokens: Int?
    public var requestsReset: Duration?
    public var tokensReset: Duration?

    public init(
        remainingRequests: Int? = nil, remainingTokens: Int? = nil, requestsReset: Duration? = nil,
        tokensReset: Duration? = nil
    ) {
        self.remainingRequests = remainingRequests
        self.remainingTokens = remainingTokens
        self.requestsReset = requestsReset
        self.tokensReset = tokensReset
    }

    public var isEmpty: Bool { remainingRequests == nil && remainingTokens == nil }

    /// Reads OpenAI's `x-ratelimit-*` and Anthropic's `anthropic-ratelimit-*` headers.
    /// Header names must already be lower-cased.
    public static func parse(headers: [String: String], now: Date) -> RateLimitSnapshot {
        func int(_ names: String...) -> Int? {
            for name in names {
                if let value = headers[name], let number = Int(value.trimmingCharacters(in: .whitespaces)) {
                    return number
                }
            }
            return nil
        }
        func reset(_ names: String...) -> Duration? {
            for name in names {
                if let value = headers[name], let duration = RetryAfterParser.resetDelay(value, now: now) {
                    return duration
                }
            }
            return nil
        }
        return RateLimitSnapshot(
            remainingRequests: int(
                "x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-remaining"),
            remainingTokens: int(
                "x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-remaining",
                "anthropic-ratelimit-input-tokens-remaining"),
            requestsReset: reset("x-ratelimit-reset-requests", "anthropic-ratelimit-requests-reset"),
            tokensReset: reset(
                "x-ratelimit-reset-tokens", "anthropic-ratelimit-tokens-reset",
                "anthropic-ratelimit-input-tokens-reset"))
    }
}
