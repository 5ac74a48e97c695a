import Testing

@testable import PilothouseCore

extension GatewayTests {
    @Suite("BudgetLedger")
    struct BudgetLedgerTests {
        func dollars(_ text: String) -> Money { Money(dollars: text)! }

        @Test func reservingExactlyUpToTheLimitIsAllowed() {
            var ledger = BudgetLedger(
                limits: [BudgetLimit(scope: .run, limit: dollars("1"))],
                states: [.run: BudgetState(spent: dollars("0.6"), reserved: dollars("0.2"))])
            #expect(ledger.evaluate(dollars("0.200001")) == .denied(scope: .run, remaining: dollars("0.2")))
            #expect(ledger.reserve(dollars("0.2")) == .allowed)
            #expect(ledger.state(.run).committed == dollars("1"))
            #expect(ledger.reserve(Money(micros: 1)) == .denied(scope: .run, remaining: .zero))
        }

        @Test func deniedReservationChangesNothing() {
            var ledger = BudgetLedger(
                limits: [BudgetLimit(scope: .job, limit: dollars("0.5"))],
                states: [.job: BudgetState(spent: dollars("0.4"))])
            let before = ledger
            #expect(ledger.reserve(dollars("0.2")) == .denied(scope: .job, remaining: dollars("0.1")))
            #expect(ledger == before)
        }

        @Test func warnModeReservesAndReportsTheScope() {
            var ledger = BudgetLedger(limits: [BudgetLimit(scope: .day, limit: dollars("1"), mode: .warn)])
            #expect(ledger.reserve(dollars("0.9")) == .allowed)
            #expect(ledger.reserve(dollars("0.2")) == .allowedWithWarning([.day]))
            #expect(ledger.state(.day).reserved == dollars("1.1"))
        }

        @Test func softWarningBelowAHardCapOnTheSameScope() {
            var ledger = BudgetLedger(limits: [
                BudgetLimit(scope: .run, limit: dollars("8"), mode: .warn),
                BudgetLimit(scope: .run, limit: dollars("10"), mode: .enforce),
            ])
            #expect(ledger.reserve(dollars("7")) == .allowed)
            #expect(ledger.reserve(dollars("2")) == .allowedWithWarning([.run]))
            #expect(ledger.reserve(dollars("2")) == .denied(scope: .run, remaining: dollars("1")))
        }

        @Test func everyScopeIsCheckedAndTheTightestDenialIsReported() {
            let limits = [
                BudgetLimit(scope: .run, limit: dollars("10")),
                BudgetLimit(scope: .day, limit: dollars("5")),
                BudgetLimit(scope: .job, limit: dollars("1"), mode: .warn),
            ]
            let states: [BudgetScope: BudgetState] = [
                .run: BudgetState(spent: dollars("9.8")),
                .day: BudgetState(spent: dollars("4.5")),
                .job: BudgetState(spent: dollars("0.9")),
            ]
            var ledger = BudgetLedger(limits: limits, states: states)
            // Both run ($0.20 left) and day ($0.50 left) would be crossed; run is the tighter.
            #expect(ledger.reserve(dollars("0.6")) == .denied(scope: .run, remaining: dollars("0.2")))
            #expect(ledger.reserve(dollars("0.2")) == .allowedWithWarning([.job]))
            #expect(ledger.state(.run).reserved == dollars("0.2"))
            #expect(ledger.state(.day).reserved == dollars("0.2"))
            #expect(ledger.state(.job).reserved == dollars("0.2"))
        }

        @Test func settleReplacesTheReservationWithTheActualCost() {
            var ledger = BudgetLedger(limits: [BudgetLimit(scope: .run, limit: dollars("1"))])
            #expect(ledger.reserve(dollars("0.5")) == .allowed)
            ledger.settle(actual: dollars("0.3"), reserved: dollars("0.5"))
            #expect(ledger.state(.run) == BudgetState(spent: dollars("0.3"), reserved: .zero))
            // Scopes without a limit still keep the books.
            #expect(ledger.state(.day).spent == dollars("0.3"))

            // An under-estimate overspends; the next reservation sees it.
            #expect(ledger.reserve(dollars("0.1")) == .allowed)
            ledger.settle(actual: dollars("0.8"), reserved: dollars("0.1"))
            #expect(ledger.state(.run).spent == dollars("1.1"))
            #expect(ledger.reserve(.zero) == .denied(scope: .run, remaining: .zero))
        }

        @Test func releasingAReservationForACallThatNeverRan() {
            var ledger = BudgetLedger(limits: [BudgetLimit(scope: .job, limit: dollars("1"))])
            _ = ledger.reserve(dollars("0.4"))
            ledger.settle(actual: .zero, reserved: dollars("0.4"))
            #expect(ledger.state(.job) == .zero)
        }

        @Test func noLimitsMeansAlwaysAllowed() {
            var ledger = BudgetLedger(limits: [])
            #expect(ledger.reserve(dollars("1000")) == .allowed)
        }

        /// Random interleavings of reservations and settlements (actual never above the estimate)
        /// never let committed money pass an enforced limit.
        @Test func enforcedLimitsHoldUnderRandomInterleavings() {
            var random = SeededGenerator(seed: 0xB0D6E7)
            for _ in 0..<1_000 {
                let limit = Money(micros: Int64.random(in: 0...5_000_000, using: &random))
                var ledger = BudgetLedger(limits: [BudgetLimit(scope: .run, limit: limit)])
                var open: [Money] = []
                for _ in 0..<40 {
                    if open.isEmpty || Bool.random(using: &random) {
                        let estimate = Money(micros: Int64.random(in: 0...1_000_000, using: &random))
                        if ledger.reserve(estimate).isAllowed { open.append(estimate) }
                    } else {
                        let reserved = open.remove(at: Int.random(in: 0..<open.count, using: &random))
                        let actual = Money(micros: Int64.random(in: 0...reserved.micros, using: &random))
                        ledger.settle(actual: actual, reserved: reserved)
                    }
                    #expect(ledger.state(.run).committed <= limit)
                    #expect(ledger.state(.run).reserved == open.reduce(.zero, +))
                }
            }
        }
    }
}
