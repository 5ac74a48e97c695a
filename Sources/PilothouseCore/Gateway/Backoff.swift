/// Exponential backoff with "full jitter" (AWS Architecture Blog, 2015).
///
/// Full jitter draws each delay uniformly from `0...min(cap, base * 2^attempt)`. Spreading
/// retries over the whole window is what stops a swarm of workers that hit the same 429 at
/// once from hammering the provider again in lockstep. The random source is passed in so the
/// gateway can use the system generator and tests a seeded one.
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration
    /// Total calls allowed, the first one included: `maxAttempts == 1` means never retry.
    public var maxAttempts: Int

    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(60), maxAttempts: Int = 6) {
        precondition(base >= .zero && cap >= .zero, "backoff durations must not be negative")
        precondition(maxAttempts >= 1, "at least the first attempt must be allowed")
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// Whether another call may be made after `attempt` retries (0 after the first failure).
    public func allowsRetry(attempt: Int) -> Bool {
        attempt >= 0 && attempt + 1 < maxAttempts
    }

    /// The upper end of the jitter window: `min(cap, base * 2^attempt)`, without overflow.
    public func ceiling(attempt: Int) -> Duration {
        let baseNanos = max(0, base.saturatingNanoseconds)
        let capNanos = max(0, cap.saturatingNanoseconds)
        let exponent = max(0, attempt)
        guard baseNanos > 0 else { return .zero }
        // base * 2^n > cap  <=>  base > cap >> n; checked this way it cannot overflow.
        if exponent >= 63 || baseNanos > capNanos >> Int64(exponent) {
            return .nanoseconds(capNanos)
        }
        return .nanoseconds(baseNanos << Int64(exponent))
    }

    /// How long to sleep before retry number `attempt` (0-based).
    ///
    /// A server's Retry-After is a floor, never shortened by jitter or by `cap`: retrying
    /// earlier than the provider asked only buys another 429 and can extend a penalty window.
    public func delay(
        attempt: Int, retryAfter: Duration? = nil, random: inout some RandomNumberGenerator
    ) -> Duration {
        let ceilingNanos = ceiling(attempt: attempt).saturatingNanoseconds
        let jittered = Duration.nanoseconds(
            ceilingNanos > 0 ? Int64.random(in: 0...ceilingNanos, using: &random) : 0)
        guard let retryAfter, retryAfter > jittered else { return jittered }
        return retryAfter
    }
}
