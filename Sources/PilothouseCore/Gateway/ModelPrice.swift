/// What one model charges, per million tokens, in integer micro-dollars (via `Money`).
///
/// Per-million rates are what providers publish, and at micro-dollar resolution they are
/// exact for every current price (the smallest, $0.025/M, is 25 000 micros).
public struct ModelPrice: Sendable, Hashable, Codable {
    public var inputPerMillion: Money
    public var outputPerMillion: Money
    /// Rate for input tokens read from the prompt cache.
    public var cachedInputPerMillion: Money

    /// Without a cached rate, cached tokens cost the full input rate: overcharging a little
    /// is safer for budgets than undercharging.
    public init(input: Money, output: Money, cachedInput: Money? = nil) {
        inputPerMillion = input
        outputPerMillion = output
        cachedInputPerMillion = cachedInput ?? input
    }

    /// Convenience for tables written in dollars, e.g. `ModelPrice("2.50", "10", cached: "1.25")`.
    /// Traps on malformed literals, so use it only with constants.
    public init(_ input: String, _ output: String, cached: String? = nil) {
        guard let inputMoney = Money(dollars: input), let outputMoney = Money(dollars: output) else {
            preconditionFailure("invalid price literal \(input) / \(output)")
        }
        var cachedMoney: Money?
        if let cached {
            guard let value = Money(dollars: cached) else {
                preconditionFailure("invalid price literal \(cached)")
            }
            cachedMoney = value
        }
        self.init(input: inputMoney, output: outputMoney, cachedInput: cachedMoney)
    }

    public static let free = ModelPrice(input: .zero, output: .zero, cachedInput: .zero)

    /// Cost of one call, rounded up once to the micro-dollar.
    ///
    /// Rounding the sum rather than each part keeps the error below one micro-dollar per call;
    /// rounding up means the ledger never records less than the provider will bill.
    /// Cached tokens are a subset of `input`; a count above `input` is clamped to it.
    public func cost(of tokens: TokenCounts) -> Money {
        let input = Int64(max(0, tokens.input))
        let cached = min(Int64(max(0, tokens.cachedInput)), input)
        let output = Int64(max(0, tokens.output))
        let microsTimesMillion =
            (input - cached).saturatingMultiply(inputPerMillion.micros)
            .saturatingAdd(cached.saturatingMultiply(cachedInputPerMillion.micros))
            .saturatingAdd(output.saturatingMultiply(outputPerMillion.micros))
        let (quotient, remainder) = microsTimesMillion.quotientAndRemainder(dividingBy: 1_000_000)
        return Money(micros: remainder > 0 ? quotient + 1 : quotient)
    }
}

extension Int64 {
    fileprivate func saturatingMultiply(_ other: Int64) -> Int64 {
        let (value, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) != (other < 0) ? .min : .max) : value
    }

    fileprivate func saturatingAdd(_ other: Int64) -> Int64 {
        let (value, overflow) = addingReportingOverflow(other)
        return overflow ? (other < 0 ? .min : .max) : value
    }
}
