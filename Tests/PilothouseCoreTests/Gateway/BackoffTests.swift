import Testing

@testable import PilothouseCore

extension GatewayTests {
    @Suite("Backoff")
    struct BackoffTests {
        @Test func ceilingDoublesUntilTheCap() {
            let backoff = Backoff(base: .milliseconds(100), cap: .seconds(10), maxAttempts: 5)
            #expect(backoff.ceiling(attempt: 0) == .milliseconds(100))
            #expect(backoff.ceiling(attempt: 3) == .milliseconds(800))
            #expect(backoff.ceiling(attempt: 6) == .milliseconds(6_400))
            #expect(backoff.ceiling(attempt: 7) == .seconds(10))
            #expect(backoff.ceiling(attempt: 63) == .seconds(10))
            #expect(backoff.ceiling(attempt: 10_000) == .seconds(10))
        }

        @Test func delaysStayInsideTheFullJitterWindow() {
            let backoff = Backoff(base: .milliseconds(250), cap: .seconds(20), maxAttempts: 8)
            var random = SeededGenerator(seed: 42)
            for _ in 0..<1_000 {
                let attempt = Int.random(in: 0...12, using: &random)
                let delay = backoff.delay(attempt: attempt, random: &random)
                let bound = min(Duration.seconds(20), .milliseconds(250) * (1 << attempt))
                #expect(delay >= .zero)
                #expect(delay <= bound)
            }
        }

        @Test func jitterSpreadsOverTheWindow() {
            let backoff = Backoff(base: .seconds(1), cap: .seconds(1), maxAttempts: 3)
            var random = SeededGenerator(seed: 7)
            let delays = (0..<1_000).map { _ in backoff.delay(attempt: 0, random: &random) }
            let meanNanos = delays.reduce(Int64(0)) { $0 + $1.saturatingNanoseconds } / 1_000
            #expect((400_000_000...600_000_000).contains(meanNanos))
            #expect(delays.contains { $0 < .milliseconds(100) })
            #expect(delays.contains { $0 > .milliseconds(900) })
        }

        @Test func sameSeedSameDelays() {
            let backoff = Backoff()
            var first = SeededGenerator(seed: 99)
            var second = SeededGenerator(seed: 99)
            let a = (0..<5).map { backoff.delay(attempt: $0, random: &first) }
            let b = (0..<5).map { backoff.delay(attempt: $0, random: &second) }
            #expect(a == b)
        }

        @Test func retryAfterIsAFloorEvenAboveTheCap() {
            let backoff = Backoff(base: .milliseconds(100), cap: .seconds(10), maxAttempts: 5)
            var random = SeededGenerator(seed: 1)
            for attempt in 0..<20 {
                #expect(
                    backoff.delay(attempt: attempt, retryAfter: .seconds(30), random: &random) == .seconds(30)
                )
                let small = backoff.delay(attempt: attempt, retryAfter: .milliseconds(1), random: &random)
                #expect(small >= .milliseconds(1))
                #expect(small <= backoff.ceiling(attempt: attempt))
            }
        }

        @Test func zeroBaseMeansNoWait() {
            var random = SeededGenerator(seed: 3)
            #expect(Backoff(base: .zero, cap: .seconds(1)).delay(attempt: 5, random: &random) == .zero)
        }

        @Test func attemptLimitCountsTheFirstCall() {
            let backoff = Backoff(maxAttempts: 3)
            #expect(backoff.allowsRetry(attempt: 0))
            #expect(backoff.allowsRetry(attempt: 1))
            #expect(!backoff.allowsRetry(attempt: 2))
            #expect(!Backoff(maxAttempts: 1).allowsRetry(attempt: 0))
        }
    }
}
