import Testing

@testable import PilothouseCore

extension GatewayTests {
    @Suite("PricingTable")
    struct PricingTableTests {
        let table = PricingTable.defaults

        @Test func anOverrideOfTheModelNameBeatsTheProviderPrefix() {
            let table = PricingTable.defaults.merging(["sim-1": ModelPrice("1.00", "2.00")])
            #expect(table.price(forAnyOf: ["simulated:sim-1", "sim-1"]) == ModelPrice("1.00", "2.00"))
            #expect(PricingTable.defaults.price(forAnyOf: ["simulated:sim-1", "sim-1"]) == .free)
            #expect(table.price(forAnyOf: ["nobody:unknown", "unknown"]) == nil)
        }

        @Test func millionTokensCostTheListPrice() {
            #expect(
                table.cost(model: "gpt-4o", tokens: TokenCounts(input: 1_000_000)) == Money(dollars: "2.50"))
            #expect(
                table.cost(model: "gpt-4o", tokens: TokenCounts(output: 1_000_000)) == Money(dollars: "10"))
            #expect(
                table.cost(model: "claude-opus-4", tokens: TokenCounts(input: 1_000_000, output: 1_000_000))
                    == Money(dollars: "90"))
        }

        @Test func smallCallsAreExactToTheMicroDollarAndRoundUpOnce() {
            // 1234 * 0.15 + 567 * 0.60 = 525.3 micro-dollars, billed as 526.
            #expect(
                table.cost(model: "gpt-4o-mini", tokens: TokenCounts(input: 1_234, output: 567))
                    == Money(micros: 526))
            // One nano input token is 0.1 micro-dollar: never recorded as free.
            #expect(table.cost(model: "gpt-4.1-nano", tokens: TokenCounts(input: 1)) == Money(micros: 1))
            // Ten of them are exactly one micro-dollar: rounding the sum, not each token.
            #expect(table.cost(model: "gpt-4.1-nano", tokens: TokenCounts(input: 10)) == Money(micros: 1))
            #expect(table.cost(model: "gpt-4o", tokens: .zero) == .zero)
        }

        @Test func cachedInputIsBilledAtTheCachedRate() {
            // 2000 * $3 + 8000 * $0.30 + 500 * $15 per million = 6000 + 2400 + 7500 micros.
            let tokens = TokenCounts(input: 10_000, output: 500, cachedInput: 8_000)
            #expect(table.cost(model: "claude-sonnet-4-20250514", tokens: tokens) == Money(micros: 15_900))
            // A cached count above the input count is clamped instead of going negative.
            let odd = TokenCounts(input: 100, output: 0, cachedInput: 500)
            #expect(table.cost(model: "claude-sonnet-4", tokens: odd) == Money(micros: 30))
        }

        @Test func missingCachedRateFallsBackToInputRate() {
            let price = ModelPrice("1", "2")
            #expect(price.cachedInputPerMillion == Money(dollars: "1"))
            #expect(
                price.cost(of: TokenCounts(input: 1_000_000, cachedInput: 1_000_000)) == Money(dollars: "1"))
        }

        @Test(arguments: [
            ("gpt-4o-2024-08-06", "gpt-4o"),
            ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
            ("claude-sonnet-4-20250514", "claude-sonnet-4"),
            ("claude-sonnet-4@20250514", "claude-sonnet-4"),
            ("claude-3-5-haiku-20241022", "claude-3-5-haiku"),
            ("claude-opus-4-1-20250805", "claude-opus-4"),
            ("o3-mini-2025-01-31", "o3-mini"),
            ("GPT-4.1-Mini", "gpt-4.1-mini"),
            ("simulated", "simulated"),
        ])
        func lookupByExactNameThenLongestPrefix(model: String, key: String) {
            #expect(table.price(for: model) == table.prices[key])
            #expect(table.price(for: model) != nil)
        }

        @Test func unknownModelsHaveNoPrice() {
            #expect(table.cost(model: "llama3:8b", tokens: TokenCounts(input: 10)) == nil)
            // A prefix must end at a separator: "gpt-4oops" is not a gpt-4o.
            #expect(table.price(for: "gpt-4oops") == nil)
            #expect(table.price(for: "") == nil)
        }

        @Test func simulatedIsFree() {
            #expect(
                table.cost(model: "simulated", tokens: TokenCounts(input: 9_999_999, output: 9_999_999))
                    == .zero)
        }

        @Test func overridesMergeEntryByEntry() {
            let merged = table.merging([
                "GPT-4o": ModelPrice("5", "20"),
                "llama3": .free,
            ])
            #expect(
                merged.cost(model: "gpt-4o-2024-08-06", tokens: TokenCounts(input: 1_000_000))
                    == Money(dollars: "5"))
            #expect(merged.cost(model: "llama3:8b", tokens: TokenCounts(input: 1_000)) == .zero)
            #expect(merged.price(for: "gpt-4o-mini") == table.price(for: "gpt-4o-mini"))
            #expect(merged.prices.count == table.prices.count + 1)
        }

        @Test func hugeCountsSaturateInsteadOfTrapping() {
            let cost = table.cost(model: "claude-opus-4", tokens: TokenCounts(input: .max, output: .max))
            #expect(cost != nil)
            #expect(cost! > Money(dollars: "1000000")!)
        }
    }
}
