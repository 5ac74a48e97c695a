import Testing

@testable import PilothouseCore

extension GatewayTests {
    @Suite("TokenBucket")
    struct TokenBucketTests {
        let t0 = ContinuousClock.now

        @Test func grantsUpToCapacityThenSaysHowLongToWait() {
            var bucket = TokenBucket(capacity: 60, refillPerMinute: 60, now: t0)
            #expect(bucket.tryTake(60, now: t0) == .granted)
            #expect(bucket.tryTake(1, now: t0) == .wait(.seconds(1)))
            #expect(bucket.tryTake(5, now: t0) == .wait(.seconds(5)))
            #expect(bucket.available(now: t0) == 0)
        }

        @Test func refillsContinuouslyAndExactly() {
            var bucket = TokenBucket(capacity: 60, refillPerMinute: 60, now: t0)
            #expect(bucket.tryTake(60, now: t0) == .granted)
            #expect(bucket.tryTake(1, now: t0 + .milliseconds(500)) == .wait(.milliseconds(500)))
            #expect(bucket.tryTake(1, now: t0 + .seconds(1)) == .granted)
            #expect(bucket.available(now: t0 + .seconds(11)) == 10)
        }

        @Test func refillStopsAtCapacity() {
            var bucket = TokenBucket(capacity: 100, refillPerMinute: 6_000, now: t0)
            #expect(bucket.tryTake(100, now: t0) == .granted)
            #expect(bucket.available(now: t0 + .seconds(600)) == 100)
            #expect(bucket.tryTake(100, now: t0 + .seconds(600)) == .granted)
            #expect(bucket.tryTake(1, now: t0 + .seconds(600)) == .wait(.milliseconds(10)))
        }

        @Test func startsEmptyWhenAsked() {
            var bucket = TokenBucket(capacity: 10, refillPerMinute: 600, now: t0, startFull: false)
            #expect(bucket.tryTake(1, now: t0) == .wait(.milliseconds(100)))
        }

        @Test func requestLargerThanTheBucketCanNeverFit() {
            var bucket = TokenBucket(perMinute: 1_000, now: t0)
            #expect(bucket.tryTake(1_001, now: t0) == .exceedsCapacity)
            #expect(bucket.available(now: t0) == 1_000)
        }

        @Test func underEstimateLeavesDebtThatLaterTakesWaitOut() {
            var bucket = TokenBucket(capacity: 60, refillPerMinute: 60, now: t0)
            #expect(bucket.tryTake(50, now: t0) == .granted)
            bucket.correct(estimated: 50, actual: 80, now: t0)
            #expect(bucket.available(now: t0) == -20)
            #expect(bucket.tryTake(1, now: t0) == .wait(.seconds(21)))
            #expect(bucket.tryTake(1, now: t0 + .seconds(21)) == .granted)
        }

        @Test func overEstimateIsGivenBackButNeverAboveCapacity() {
            var bucket = TokenBucket(capacity: 60, refillPerMinute: 60, now: t0)
            #expect(bucket.tryTake(50, now: t0) == .granted)
            bucket.correct(estimated: 50, actual: 10, now: t0)
            #expect(bucket.available(now: t0) == 50)
            bucket.refund(50, now: t0)
            #expect(bucket.available(now: t0) == 60)
        }

        @Test func serverRemainingTightensButNeverLoosens() {
            var bucket = TokenBucket(capacity: 1_000, refillPerMinute: 60_000, now: t0)
            bucket.observe(remaining: 200, resetIn: .seconds(1), now: t0)
            #expect(bucket.available(now: t0) == 200)
            bucket.observe(remaining: 900, resetIn: nil, now: t0)
            #expect(bucket.available(now: t0) == 200)
            #expect(bucket.tryTake(300, now: t0) == .wait(.milliseconds(100)))
        }

        @Test func exhaustedServerHoldsUntilReset() {
            var bucket = TokenBucket(capacity: 60, refillPerMinute: 60, now: t0)
            bucket.observe(remaining: 0, resetIn: .seconds(10), now: t0)
            // Locally one token would be back after a second, but the server said ten.
            #expect(bucket.tryTake(1, now: t0 + .seconds(1)) == .wait(.seconds(9)))
            #expect(bucket.tryTake(1, now: t0 + .seconds(10)) == .granted)
            #expect(bucket.heldUntil == nil)
        }

        @Test func holdsOnlyExtend() {
            var bucket = TokenBucket(perMinute: 60, now: t0)
            bucket.hold(until: t0 + .seconds(5))
            bucket.hold(until: t0 + .seconds(2))
            #expect(bucket.tryTake(1, now: t0) == .wait(.seconds(5)))
        }

        /// Over random sequences of takes, refunds and clock steps (including sub-microsecond
        /// ones), the net tokens handed out never exceed `capacity + rate * elapsed`.
        @Test func neverGrantsMoreThanCapacityPlusRefill() {
            var random = SeededGenerator(seed: 0x5EED_0001)
            for _ in 0..<1_000 {
                let capacity = Int.random(in: 1...2_000, using: &random)
                let rate = Int.random(in: 1...10_000, using: &random)
                var bucket = TokenBucket(capacity: capacity, refillPerMinute: rate, now: t0)
                var elapsedNanos: Int64 = 0
                var net: Int64 = 0
                for _ in 0..<60 {
                    elapsedNanos += Int64.random(in: 0...3_000_000_000, using: &random)
                    let now = t0 + .nanoseconds(elapsedNanos)
                    let amount = Int.random(in: 0...capacity, using: &random)
                    if bucket.tryTake(amount, now: now) == .granted {
                        net += Int64(amount)
                        if Bool.random(using: &random) {
                            let actual = Int.random(in: 0...amount, using: &random)
                            bucket.correct(estimated: amount, actual: actual, now: now)
                            net -= Int64(amount - actual)
                        }
                    }
                    // net <= capacity + rate * elapsed / 1 minute, in exact integers.
                    #expect(
                        net * 60_000_000_000 <= Int64(capacity) * 60_000_000_000 + Int64(rate) * elapsedNanos)
                }
            }
        }

        /// A `.wait(d)` answer is exact: after `d` the same take succeeds, and a microsecond
        /// earlier it would not have.
        @Test func waitIsExactlyLongEnough() {
            var random = SeededGenerator(seed: 0x5EED_0002)
            for _ in 0..<1_000 {
                let capacity = Int.random(in: 1...5_000, using: &random)
                let rate = Int.random(in: 1...100_000, using: &random)
                var bucket = TokenBucket(capacity: capacity, refillPerMinute: rate, now: t0)
                _ = bucket.tryTake(Int.random(in: 0...capacity, using: &random), now: t0)
                let now = t0 + .nanoseconds(Int64.random(in: 0...1_000_000_000, using: &random))
                let amount = Int.random(in: 1...capacity, using: &random)
                guard case .wait(let wait) = bucket.tryTake(amount, now: now) else { continue }
                #expect(wait > .zero)
                var early = bucket
                #expect(early.tryTake(amount, now: now + wait - .microseconds(1)) != .granted)
                #expect(bucket.tryTake(amount, now: now + wait) == .granted)
            }
        }
    }
}
