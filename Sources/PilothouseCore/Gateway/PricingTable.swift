/// Model prices, looked up by model id, used to turn token counts into `Money`.
///
/// `defaults` are approximate list prices (USD per 1M tokens, mid-2025) so that cost
/// tracking works out of the box; they go stale and are meant to be overridden from
/// configuration with `merging(_:)`. Prompt-cache *writes* (Anthropic bills them at 1.25x
/// input) are not modelled: `TokenCounts` has no field for them, so they count as input.
public struct PricingTable: Sendable, Equatable {
    /// Keyed by lower-cased model id or id prefix.
    public private(set) var prices: [String: ModelPrice]

    public init(_ prices: [String: ModelPrice] = [:]) {
        var lowered: [String: ModelPrice] = [:]
        for (model, price) in prices { lowered[model.lowercased()] = price }
        self.prices = lowered
    }

    public static let defaults = PricingTable([
        // OpenAI
        "gpt-4o": ModelPrice("2.50", "10.00", cached: "1.25"),
        "gpt-4o-mini": ModelPrice("0.15", "0.60", cached: "0.075"),
        "gpt-4.1": ModelPrice("2.00", "8.00", cached: "0.50"),
        "gpt-4.1-mini": ModelPrice("0.40", "1.60", cached: "0.10"),
        "gpt-4.1-nano": ModelPrice("0.10", "0.40", cached: "0.025"),
        "o3": ModelPrice("2.00", "8.00", cached: "0.50"),
        "o3-mini": ModelPrice("1.10", "4.40", cached: "0.55"),
        "o4-mini": ModelPrice("1.10", "4.40", cached: "0.275"),
        // Anthropic (cached = cache-read rate)
        "claude-opus-4": ModelPrice("15.00", "75.00", cached: "1.50"),
        "claude-sonnet-4": ModelPrice("3.00", "15.00", cached: "0.30"),
        "claude-3-7-sonnet": ModelPrice("3.00", "15.00", cached: "0.30"),
        "claude-3-5-sonnet": ModelPrice("3.00", "15.00", cached: "0.30"),
        "claude-3-5-haiku": ModelPrice("0.80", "4.00", cached: "0.08"),
        "claude-haiku-4-5": ModelPrice("1.00", "5.00", cached: "0.10"),
        // The embedded deterministic provider costs nothing, so demos never touch a budget.
        "simulated": .free,
    ])

    /// Characters that may follow a prefix key: dated ids (`claude-sonnet-4-20250514`),
    /// Vertex-style versions (`claude-sonnet-4@20250514`) and tags (`model:latest`). Requiring
    /// one stops `gpt-4` from pricing an unrelated `gpt-4o`-like id that merely starts alike.
    private static let prefixBoundaries: Set<Character> = ["-", "@", ":", "_", "/"]

    /// The price for `model`: an exact match first, then the longest key that is a prefix of
    /// the id at a boundary. `nil` for unknown models, so the caller chooses between refusing
    /// the call and recording it as unpriced instead of silently charging zero.
    public func price(for model: String) -> ModelPrice? {
        let id = model.lowercased()
        if let exact = prices[id] { return exact }
        var best: (key: String, price: ModelPrice)?
        for (key, price) in prices where id.count > key.count && id.hasPrefix(key) {
            let next = id[id.index(id.startIndex, offsetBy: key.count)]
            guard Self.prefixBoundaries.contains(next) else { continue }
            if best == nil || key.count > best!.key.count { best = (key, price) }
        }
        return best?.price
    }

    /// The price for the first of `ids` (e.g. `provider:model`, then `model`) that has one,
    /// exact matches of all of them before any prefix match: an operator's
    /// `[pricing."sim-1"]` beats the built-in price of the `simulated` provider prefix.
    public func price(forAnyOf ids: [String]) -> ModelPrice? {
        for id in ids {
            if let exact = prices[id.lowercased()] { return exact }
        }
        for id in ids {
            if let match = price(for: id) { return match }
        }
        return nil
    }

    /// Cost of a call, or `nil` when the model has no price.
    public func cost(model: String, tokens: TokenCounts) -> Money? {
        price(for: model)?.cost(of: tokens)
    }

    /// This table with `overrides` taking precedence, entry by entry.
    public func merging(_ overrides: [String: ModelPrice]) -> PricingTable {
        var merged = self
        merged.merge(overrides)
        return merged
    }

    public func merging(_ overrides: PricingTable) -> PricingTable { merging(overrides.prices) }

    public mutating func merge(_ overrides: [String: ModelPrice]) {
        for (model, price) in overrides { prices[model.lowercased()] = price }
    }
}
