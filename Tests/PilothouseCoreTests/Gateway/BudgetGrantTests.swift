import Testing

@testable import PilothouseCore

extension GatewayTests {
    /// Budgets that can be spent: a call waits for calls in flight instead of being held, and
    /// asks for fewer output tokens when that is all the budget pays for.
    @Suite("BudgetGrant")
    struct BudgetGrantTests {
        /// 300 / 1500 USD per Mtok, as in the measurement of issue 11: 1000 prompt tokens cost
        /// $0.30, each output token $0.0015, the full 1024 output tokens $1.536.
        static let call = BudgetCall(
            price: ModelPrice("300", "1500"), inputTokens: 1000, maxOutputTokens: 1024, minOutputTokens: 256)

        static func ledger(limit: String, spent: String = "0", reserved: String = "0") -> BudgetLedger {
            BudgetLedger(
                limits: [BudgetLimit(scope: .day, limit: Money(dollars: limit)!, mode: .enforce)],
                states: [
                    .day: BudgetState(spent: Money(dollars: spent)!, reserved: Money(dollars: reserved)!)
                ])
        }

        @Test func fitsNowReservesTheWorstCase() {
            var ledger = Self.ledger(limit: "30")
            #expect(
                ledger.reserve(call: Self.call)
                    == .granted(outputTokens: 1024, reserved: Money(dollars: "1.836")!, warnings: []))
            #expect(ledger.state(.day).reserved == Money(dollars: "1.836")!)
        }

        @Test func aCallThatFitsOnlyWithoutOthersInFlightWaits() {
            // $5.20 spent, $24 reserved by calls in flight: the worst case fits once they settle.
            var ledger = Self.ledger(limit: "30", spent: "5.20", reserved: "24")
            #expect(ledger.reserve(call: Self.call) == .wait(scope: .day))
            #expect(ledger.state(.day).reserved == Money(dollars: "24")!)
        }

        @Test func lowersMaxTokensToWhatTheBudgetPays() {
            // $1.00 left: the prompt costs $0.30, so $0.70 buys 466 output tokens.
            var ledger = Self.ledger(limit: "30", spent: "29")
            let grant = ledger.reserve(call: Self.call)
            #expect(grant == .granted(outputTokens: 466, reserved: Money(dollars: "0.999")!, warnings: []))
            #expect(ledger.state(.day).committed <= Money(dollars: "30")!)
        }

        @Test func belowTheUsefulMinimumItWaitsWhileOthersMaySettleThenHolds() {
            // $0.50 left now, $2 once in-flight calls settle: 256 tokens ($0.684) fit then.
            var waiting = Self.ledger(limit: "30", spent: "28", reserved: "1.50")
            #expect(waiting.reserve(call: Self.call) == .wait(scope: .day))
            var held = Self.ledger(limit: "30", spent: "29.50")
            #expect(
                held.reserve(call: Self.call)
                    == .denied(
                        scope: .day, remaining: Money(dollars: "0.50")!, needed: Money(dollars: "0.684")!))
            #expect(held.state(.day).reserved == .zero)
        }

        @Test func halfADollarPaysForSomething() {
            // The issue's second measurement: day_usd = 0.5 held every job at $0.00 spent.
            var ledger = Self.ledger(limit: "0.5")
            let small = BudgetCall(
                price: ModelPrice("300", "1500"), inputTokens: 100, maxOutputTokens: 1024, minOutputTokens: 64
            )
            guard case .granted(let tokens, let reserved, _) = ledger.reserve(call: small) else {
                Issue.record("half a dollar paid for nothing")
                return
            }
            #expect(tokens == 313)
            #expect(reserved <= Money(dollars: "0.5")!)
        }

        @Test func warnLimitsNeverLowerOrHold() {
            var ledger = BudgetLedger(limits: [BudgetLimit(scope: .run, limit: Money(micros: 1), mode: .warn)]
            )
            #expect(
                ledger.reserve(call: Self.call)
                    == .granted(outputTokens: 1024, reserved: Money(dollars: "1.836")!, warnings: [.run]))
        }

        @Test func affordableOutputNeverCrossesTheFreeAmount() {
            for micros in stride(from: Int64(300_000), through: 2_000_000, by: 7_919) {
                let free = Money(micros: micros)
                let tokens = Self.call.affordableOutput(within: free) ?? -1
                #expect(tokens >= 0 && tokens <= 1024)
                #expect(Self.call.cost(outputTokens: tokens) <= free)
                if tokens < 1024 { #expect(Self.call.cost(outputTokens: tokens + 1) > free) }
            }
            #expect(Self.call.affordableOutput(within: Money(dollars: "0.29")!) == nil)
        }
    }
}
