import PilothouseCore

/// Everything the gateway tracks for one `provider:model`: configured limits as exact
/// windows, the provider's reported state as token buckets, in-flight calls and health.
struct ModelLane: Sendable {
    let route: ModelRoute
    var requests: SlidingWindow
    var tokens: SlidingWindow
    /// Mirror the provider's own counters (`x-ratelimit-remaining-*`, 429 holds). Sized to the
    /// configured limit, or effectively unbounded when none is configured, in which case they
    /// only carry holds.
    var requestBucket: TokenBucket
    var tokenBucket: TokenBucket
    let concurrency: Int
    var inFlight = 0
    var breaker: CircuitBreaker

    init(
        route: ModelRoute, settings: GatewayConfig.Model?, defaultConcurrency: Int, breaker: CircuitBreaker,
        now: ContinuousClock.Instant
    ) {
        self.route = route
        let rpm = settings?.requestsPerMinute
        let tpm = settings?.tokensPerMinute
        requests = SlidingWindow(limit: rpm)
        tokens = SlidingWindow(limit: tpm)
        let unbounded = TokenBucket.maximumCapacity
        requestBucket = TokenBucket(perMinute: rpm ?? unbounded, now: now)
        tokenBucket = TokenBucket(perMinute: tpm ?? unbounded, now: now)
        concurrency = settings?.concurrency ?? defaultConcurrency
        self.breaker = breaker
    }

    /// Whether the breaker refuses new calls now, and for how long (nil: until a probe ends).
    func circuitBlocks(now: ContinuousClock.Instant) -> (blocked: Bool, retryIn: Duration?) {
        switch breaker.state {
        case .closed: return (false, nil)
        case .open(let until): return until > now ? (true, now.duration(to: until)) : (false, nil)
        case .halfOpen(let probeInFlight): return (probeInFlight, nil)
        }
    }

    enum Check {
        case grant
        case wait(Duration)
        case busy
    }

    /// Whether a call charging `tokenCount` may start now; takes nothing.
    mutating func check(tokenCount: Int, now: ContinuousClock.Instant) -> Check {
        guard inFlight < concurrency else { return .busy }
        requests.expire(now: now)
        tokens.expire(now: now)
        var wait = Duration.zero
        if let delay = requests.wait(for: 1, now: now) { wait = max(wait, delay) }
        if let delay = tokens.wait(for: tokenCount, now: now) { wait = max(wait, delay) }
        var probe = requestBucket
        if case .wait(let delay) = probe.tryTake(1, now: now) { wait = max(wait, delay) }
        probe = tokenBucket
        if case .wait(let delay) = probe.tryTake(min(tokenCount, tokenBucket.capacity), now: now) {
            wait = max(wait, delay)
        }
        return wait > .zero ? .wait(wait) : .grant
    }

    /// Takes the resources `check` said were there.
    mutating func take(id: UInt64, tokenCount: Int, now: ContinuousClock.Instant) {
        requests.add(id: id, amount: 1, now: now)
        tokens.add(id: id, amount: tokenCount, now: now)
        _ = requestBucket.tryTake(1, now: now)
        _ = tokenBucket.tryTake(min(tokenCount, tokenBucket.capacity), now: now)
        inFlight += 1
    }

    /// Ends a call: frees its slot and replaces its token estimate with real usage (zero when
    /// it never reached the provider's model).
    mutating func finish(
        id: UInt64, estimated: Int, actual: Int, rateLimits: RateLimitSnapshot?,
        hold: Duration?, now: ContinuousClock.Instant
    ) {
        inFlight = max(0, inFlight - 1)
        tokens.correct(id: id, actual: actual)
        tokenBucket.correct(
            estimated: min(estimated, tokenBucket.capacity), actual: min(actual, tokenBucket.capacity),
            now: now)
        if let rateLimits {
            if let remaining = rateLimits.remainingRequests {
                requestBucket.observe(remaining: remaining, resetIn: rateLimits.requestsReset, now: now)
            }
            if let remaining = rateLimits.remainingTokens {
                tokenBucket.observe(remaining: remaining, resetIn: rateLimits.tokensReset, now: now)
            }
        }
        if let hold, hold > .zero {
            requestBucket.hold(until: now + hold)
            tokenBucket.hold(until: now + hold)
        }
    }

    func gauge(now: ContinuousClock.Instant) -> ModelGauge {
        var requests = self.requests
        var tokens = self.tokens
        requests.expire(now: now)
        tokens.expire(now: now)
        let circuit: ModelGauge.Circuit =
            switch breaker.phase {
            case .closed: .closed
            case .open: .open
            case .halfOpen: .halfOpen
            }
        return ModelGauge(
            model: route.id, requestsPerMinute: requests.total, requestsPerMinuteLimit: requests.limit,
            tokensPerMinute: tokens.total, tokensPerMinuteLimit: tokens.limit, inFlight: inFlight,
            circuit: circuit)
    }
}
