/// A circuit breaker for one model: stop sending work to a model that keeps failing, and
/// test it with a single probe call after a cooldown instead of a thundering herd.
///
/// closed --N consecutive failures--> open --cooldown elapsed, next admit--> half-open (one probe)
/// half-open --probe succeeds--> closed; --probe fails--> open (new cooldown).
///
/// A value type whose mutations return the state change, so the gateway actor can persist the
/// breaker and emit a `breaker_opened` / `breaker_closed` event without callbacks. Only
/// failures for which `FailureClass.countsTowardCircuitBreaker` holds should be recorded.
public struct CircuitBreaker: Sendable, Equatable {
    public enum Phase: String, Sendable, Hashable, Codable {
        case closed, open, halfOpen
    }

    public enum State: Sendable, Equatable {
        case closed(consecutiveFailures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen(probeInFlight: Bool)

        public var phase: Phase {
            switch self {
            case .closed: .closed
            case .open: .open
            case .halfOpen: .halfOpen
            }
        }
    }

    /// A change of phase for the caller to report.
    public struct Transition: Sendable, Equatable {
        public let from: Phase
        public let to: Phase
        public init(from: Phase, to: Phase) {
            self.from = from
            self.to = to
        }
    }

    /// The answer to `admit`.
    public enum Admission: Sendable, Equatable {
        /// Closed: call freely.
        case allowed
        /// This call is the half-open probe; its outcome decides the breaker's next phase.
        /// `transition` is set when admitting it moved the breaker out of `open`.
        case probe(transition: Transition?)
        /// Do not call this model now (use a fallback or wait). `retryIn` is nil while a probe
        /// is in flight, since only its result can reopen the door.
        case rejected(retryIn: Duration?)

        public var isAllowed: Bool {
            if case .rejected = self { return false }
            return true
        }
    }

    public let failureThreshold: Int
    public let cooldown: Duration
    public private(set) var state: State

    public init(failureThreshold: Int = 5, cooldown: Duration = .seconds(30)) {
        precondition(failureThreshold >= 1, "the breaker needs at least one failure to open")
        precondition(cooldown >= .zero, "cooldown must not be negative")
        self.failureThreshold = failureThreshold
        self.cooldown = cooldown
        self.state = .closed(consecutiveFailures: 0)
    }

    public var phase: Phase { state.phase }

    /// Asks whether a call may go to this model now; admitting the probe marks it in flight.
    public mutating func admit(now: ContinuousClock.Instant) -> Admission {
        switch state {
        case .closed:
            return .allowed
        case .open(let until):
            guard now >= until else { return .rejected(retryIn: now.duration(to: until)) }
            state = .halfOpen(probeInFlight: true)
            return .probe(transition: Transition(from: .open, to: .halfOpen))
        case .halfOpen(let probeInFlight):
            guard !probeInFlight else { return .rejected(retryIn: nil) }
            state = .halfOpen(probeInFlight: true)
            return .probe(transition: nil)
        }
    }

    /// A call finished well. Closes a half-open breaker; a late success from a call admitted
    /// before the breaker opened does not close it, since it predates the trouble.
    @discardableResult
    public mutating func recordSuccess() -> Transition? {
        switch state {
        case .closed:
            state = .closed(consecutiveFailures: 0)
            return nil
        case .open:
            return nil
        case .halfOpen:
            state = .closed(consecutiveFailures: 0)
            return Transition(from: .halfOpen, to: .closed)
        }
    }

    /// A call failed in a way that reflects on the model's health.
    @discardableResult
    public mutating func recordFailure(now: ContinuousClock.Instant) -> Transition? {
        switch state {
        case .closed(let failures):
            let count = failures + 1
            guard count >= failureThreshold else {
                state = .closed(consecutiveFailures: count)
                return nil
            }
            state = .open(until: now + cooldown)
            return Transition(from: .closed, to: .open)
        case .open:
            // Stragglers admitted before opening: the cooldown already covers them.
            return nil
        case .halfOpen:
            state = .open(until: now + cooldown)
            return Transition(from: .halfOpen, to: .open)
        }
    }

    /// Opens at once, whatever the count: for failures that say every further call will fail
    /// the same way (a rejected API key), where waiting for `failureThreshold` strikes would
    /// only spend more calls.
    @discardableResult
    public mutating func trip(now: ContinuousClock.Instant) -> Transition? {
        let from = state.phase
        state = .open(until: now + cooldown)
        return from == .open ? nil : Transition(from: from, to: .open)
    }

    /// The probe ended without telling us anything (cancelled, or failed for a reason that
    /// does not count, such as a bad request); let the next caller probe instead.
    public mutating func releaseProbe() {
        if case .halfOpen = state { state = .halfOpen(probeInFlight: false) }
    }
}
