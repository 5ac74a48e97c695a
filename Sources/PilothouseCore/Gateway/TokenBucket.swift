/// A continuously refilling token bucket for one provider limit (requests/min or tokens/min).
///
/// The level is kept in integer "units" where one token is 60 000 000 units and the bucket
/// gains `refillPerMinute` units per microsecond. That makes refill and wait times exact
/// integers, so the same sequence of calls always gives the same answers and the bucket can
/// never hand out a fraction of a token more than the limit allows through rounding drift.
///
/// Time is always passed in: the gateway actor reads the clock once per decision and tests
/// drive the bucket with synthetic instants.
public struct TokenBucket: Sendable, Equatable {
    /// The answer to `tryTake`.
    public enum TakeResult: Sendable, Equatable {
        /// The tokens were taken.
        case granted
        /// Not enough tokens (or the server asked us to hold); trying again after this long will
        /// succeed unless something else takes or the server tightens the bucket meanwhile.
        case wait(Duration)
        /// More than the whole bucket: waiting can never help, so the caller must fail or split
        /// the request (OpenAI answers such a request with a non-retryable 429 too).
        case exceedsCapacity
    }

    /// Units per token: microseconds per minute, so a per-minute rate is units per microsecond.
    static let unitsPerToken: Int64 = 60_000_000
    /// Keeps `capacity * unitsPerToken` and any debt comfortably inside `Int64`.
    public static let maximumCapacity = 1_000_000_000

    public let capacity: Int
    public let refillPerMinute: Int
    /// Current level in units; negative while paying back an under-estimate.
    private var level: Int64
    /// The instant up to which refill has been credited to `level`.
    private var refilledUntil: ContinuousClock.Instant
    /// The server said the limit is exhausted until then (remaining 0 with a reset time, or a
    /// 429 with Retry-After); nothing is granted before it.
    public private(set) var heldUntil: ContinuousClock.Instant?

    /// Starts full by default, matching a provider's fresh window; `startFull: false` suits a
    /// restart right after a 429, when the server's bucket is known to be drained.
    public init(capacity: Int, refillPerMinute: Int, now: ContinuousClock.Instant, startFull: Bool = true) {
        precondition(capacity > 0 && capacity <= Self.maximumCapacity, "capacity out of range")
        precondition(
            refillPerMinute > 0 && refillPerMinute <= Self.maximumCapacity, "refill rate out of range")
        self.capacity = capacity
        self.refillPerMinute = refillPerMinute
        self.level = startFull ? Int64(capacity) * Self.unitsPerToken : 0
        self.refilledUntil = now
        self.heldUntil = nil
    }

    /// A bucket whose capacity equals its per-minute rate, the usual shape of RPM/TPM limits.
    public init(perMinute limit: Int, now: ContinuousClock.Instant) {
        self.init(capacity: limit, refillPerMinute: limit, now: now)
    }

    private var capacityUnits: Int64 { Int64(capacity) * Self.unitsPerToken }
    private var rate: Int64 { Int64(refillPerMinute) }

    /// Whole tokens available at `now` (negative while in debt), without changing the bucket.
    public func available(now: ContinuousClock.Instant) -> Int {
        var copy = self
        copy.refill(now: now)
        let (quotient, remainder) = copy.level.quotientAndRemainder(dividingBy: Self.unitsPerToken)
        return Int(remainder < 0 ? quotient - 1 : quotient)
    }

    /// Takes `amount` tokens if they are there now; otherwise says how long to wait.
    ///
    /// Nothing is taken on a `.wait`: the caller sleeps and asks again, so a higher-priority
    /// request that arrives meanwhile can go first.
    public mutating func tryTake(_ amount: Int, now: ContinuousClock.Instant) -> TakeResult {
        precondition(amount >= 0, "cannot take a negative amount")
        guard amount <= capacity else { return .exceedsCapacity }
        refill(now: now)
        let needed = Int64(amount) * Self.unitsPerToken
        var waitMicros: Int64 = 0
        if level < needed {
            waitMicros = Self.ceilDiv(needed - level, rate)
        }
        var wait = Duration.microseconds(waitMicros)
        if let heldUntil, heldUntil > now {
            wait = max(wait, now.duration(to: heldUntil))
        }
        guard wait == .zero else { return .wait(wait) }
        level -= needed
        return .granted
    }

    /// Puts back the difference between what was charged up front and what the call really
    /// used; an under-estimate leaves the bucket in debt, which later takes must wait out.
    public mutating func correct(estimated: Int, actual: Int, now: ContinuousClock.Instant) {
        refill(now: now)
        let delta = Int64(estimated - actual).multipliedReportingOverflow(by: Self.unitsPerToken)
        let (sum, overflow) = level.addingReportingOverflow(delta.partialValue)
        if delta.overflow || overflow {
            level = estimated >= actual ? capacityUnits : Int64.min / 2
        } else {
            level = max(min(sum, capacityUnits), Int64.min / 2)
        }
    }

    /// Returns tokens for a call that never reached the provider.
    public mutating func refund(_ amount: Int, now: ContinuousClock.Instant) {
        correct(estimated: amount, actual: 0, now: now)
    }

    /// Aligns the bucket with the provider's own count from rate-limit headers
    /// (`x-ratelimit-remaining-tokens`, `anthropic-ratelimit-tokens-remaining`, ...).
    ///
    /// The bucket only ever tightens: the server does not yet see our in-flight requests, so a
    /// higher server figure is not a reason to hand out more. When the server reports nothing
    /// left, `resetIn` becomes a hold, because refilling locally would just earn another 429.
    public mutating func observe(remaining: Int, resetIn: Duration?, now: ContinuousClock.Instant) {
        refill(now: now)
        let serverUnits = Int64(max(0, min(remaining, capacity))) * Self.unitsPerToken
        level = min(level, serverUnits)
        if remaining <= 0, let resetIn, resetIn > .zero {
            hold(until: now + resetIn)
        }
    }

    /// Grants nothing before `until` (a 429's Retry-After); later holds extend, earlier ones
    /// never shorten.
    public mutating func hold(until: ContinuousClock.Instant) {
        if let heldUntil, heldUntil >= until { return }
        heldUntil = until
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        if let heldUntil, heldUntil <= now { self.heldUntil = nil }
        guard now > refilledUntil else { return }
        let deficit = capacityUnits - level
        guard deficit > 0 else {
            refilledUntil = now
            return
        }
        let elapsedMicros = refilledUntil.duration(to: now).saturatingMicroseconds
        let microsToFull = Self.ceilDiv(deficit, rate)
        if elapsedMicros >= microsToFull {
            level = capacityUnits
            refilledUntil = now
        } else {
            level += elapsedMicros * rate
            // Advance by whole microseconds only, so sub-microsecond remainders still count
            // towards the next refill instead of being lost.
            refilledUntil += .microseconds(elapsedMicros)
        }
    }

    static func ceilDiv(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        return remainder > 0 ? quotient + 1 : quotient
    }
}
