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
    /// The configured requests/min: a ceiling that neither the provider's announced limit nor
    /// adaptation ever raises.
    let configuredRPM: Int?
    /// `x-ratelimit-limit-requests` (or Anthropic's) as last announced.
    var announcedRPM: Int?
    /// The rate this lane adapted to after 429s that came without any hint (AIMD): halved on
    /// each such refusal, one more request/min per quiet minute, dropped when back at the top.
    var adaptedRPM: Int?
    var lastRefusal: ContinuousClock.Instant?
    var lastIncrease: ContinuousClock.Instant?
    /// How long without a 429 before an adapted rate starts to recover.
    static let quietPeriod: Duration = .seconds(60)

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
        configuredRPM = rpm
    }

    /// When the provider lets calls through again, if it said it is holding them back.
    func heldUntil(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        let held = [requestBucket.heldUntil, tokenBucket.heldUntil].compactMap { $0 }.filter { $0 > now }
        return held.max()
    }

    /// The requests/min this lane admits now: the tightest of configured, announced and adapted.
    var effectiveRPM: Int? {
        [configuredRPM, announcedRPM, adaptedRPM].compactMap { $0 }.min()
    }

    /// A 429 with no header of any dialect: nothing says how long or how fast, so the lane
    /// halves the rate it was running at (multiplicative decrease).
    mutating func adaptToRefusal(now: ContinuousClock.Instant) {
        requests.expire(now: now)
        let current = adaptedRPM ?? effectiveRPM ?? max(1, requests.total)
        adaptedRPM = max(1, min(current, max(1, requests.total)) / 2)
        lastRefusal = now
        requests.limit = effectiveRPM
    }

    /// A served call: after a quiet period, an adapted rate grows by one per quiet minute
    /// (additive increase) until it reaches the configured or announced limit again.
    mutating func recoverAfterSuccess(now: ContinuousClock.Instant) {
        guard let adapted = adaptedRPM, let lastRefusal, lastRefusal.duration(to: now) >= Self.quietPeriod
        else { return }
        if let lastIncrease, lastIncrease.duration(to: now) < Self.quietPeriod { return }
        lastIncrease = now
        let ceiling = [configuredRPM, announcedRPM].compactMap { $0 }.min()
        if let ceiling, adapted + 1 >= ceiling {
            adaptedRPM = nil
        } else {
            adaptedRPM = adapted + 1
        }
        requests.limit = effectiveRPM
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
            if let announced = rateLimits.limitRequests, announced > 0 {
                announcedRPM = announced
                requests.limit = effectiveRPM
            }
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
            circuit: circuit,
            resumesInSeconds: heldUntil(now: now).map { Self.wholeSeconds(now.duration(to: $0)) })
    }

    /// Rounded up, so a wait of 0.2 s shows as 1 s rather than "resumes in 0 s".
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
