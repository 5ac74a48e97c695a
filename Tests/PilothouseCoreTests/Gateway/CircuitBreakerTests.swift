import Testing

@testable import PilothouseCore

extension GatewayTests {
    @Suite("CircuitBreaker")
    struct CircuitBreakerTests {
        let t0 = ContinuousClock.now

        @Test func fullCycleIncludingAFailedProbe() {
            var breaker = CircuitBreaker(failureThreshold: 3, cooldown: .seconds(30))
            #expect(breaker.admit(now: t0) == .allowed)
            #expect(breaker.recordFailure(now: t0) == nil)
            #expect(breaker.recordFailure(now: t0) == nil)
            #expect(breaker.recordFailure(now: t0) == .init(from: .closed, to: .open))
            #expect(breaker.phase == .open)

            #expect(breaker.admit(now: t0 + .seconds(10)) == .rejected(retryIn: .seconds(20)))

            // Cooldown over: exactly one probe goes through.
            #expect(
                breaker.admit(now: t0 + .seconds(30)) == .probe(transition: .init(from: .open, to: .halfOpen))
            )
            #expect(breaker.admit(now: t0 + .seconds(30)) == .rejected(retryIn: nil))

            // The probe fails: open again for a fresh cooldown.
            #expect(breaker.recordFailure(now: t0 + .seconds(31)) == .init(from: .halfOpen, to: .open))
            #expect(breaker.admit(now: t0 + .seconds(60)) == .rejected(retryIn: .seconds(1)))

            // The next probe succeeds: closed, counting from zero.
            #expect(
                breaker.admit(now: t0 + .seconds(61)) == .probe(transition: .init(from: .open, to: .halfOpen))
            )
            #expect(breaker.recordSuccess() == .init(from: .halfOpen, to: .closed))
            #expect(breaker.state == .closed(consecutiveFailures: 0))
            #expect(breaker.admit(now: t0 + .seconds(61)) == .allowed)
        }

        @Test func successResetsTheConsecutiveCount() {
            var breaker = CircuitBreaker(failureThreshold: 2, cooldown: .seconds(5))
            breaker.recordFailure(now: t0)
            #expect(breaker.recordSuccess() == nil)
            #expect(breaker.recordFailure(now: t0) == nil)
            #expect(breaker.phase == .closed)
        }

        @Test func stragglersDoNotChangeAnOpenBreaker() {
            var breaker = CircuitBreaker(failureThreshold: 1, cooldown: .seconds(5))
            #expect(breaker.recordFailure(now: t0) == .init(from: .closed, to: .open))
            #expect(breaker.recordFailure(now: t0 + .seconds(4)) == nil)
            #expect(breaker.recordSuccess() == nil)
            #expect(breaker.state == .open(until: t0 + .seconds(5)))
        }

        @Test func releasedProbeLetsTheNextCallerProbe() {
            var breaker = CircuitBreaker(failureThreshold: 1, cooldown: .zero)
            breaker.recordFailure(now: t0)
            #expect(breaker.admit(now: t0) == .probe(transition: .init(from: .open, to: .halfOpen)))
            breaker.releaseProbe()
            #expect(breaker.admit(now: t0) == .probe(transition: nil))
            #expect(!breaker.admit(now: t0).isAllowed)
        }
    }
}

extension GatewayTests {
    @Suite("CircuitBreaker trip")
    struct CircuitBreakerTripTests {
        @Test func tripOpensAtOnceFromClosedOrHalfOpen() {
            let now = ContinuousClock.now
            var breaker = CircuitBreaker(failureThreshold: 5, cooldown: .seconds(30))
            #expect(breaker.trip(now: now) == .init(from: .closed, to: .open))
            #expect(breaker.phase == .open)
            #expect(breaker.trip(now: now) == nil)
            if case .rejected(let retryIn) = breaker.admit(now: now + .seconds(1)) {
                #expect(retryIn == .seconds(29))
            } else {
                Issue.record("an open breaker admitted a call")
            }
        }
    }
}
