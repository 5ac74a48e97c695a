/// Tokens of one model call or a sum of calls.
public struct TokenCounts: Hashable, Codable, Sendable, AdditiveArithmetic {
    public var input: Int
    public var output: Int
    /// Input tokens served from the provider's prompt cache (a subset of `input`).
    public var cachedInput: Int

    public init(input: Int = 0, output: Int = 0, cachedInput: Int = 0) {
        self.input = input
        self.output = output
        self.cachedInput = cachedInput
    }

    public static let zero = TokenCounts()
    public var total: Int { input + output }

    public static func + (lhs: TokenCounts, rhs: TokenCounts) -> TokenCounts {
        TokenCounts(
            input: lhs.input + rhs.input, output: lhs.output + rhs.output,
            cachedInput: lhs.cachedInput + rhs.cachedInput)
    }

    public static func - (lhs: TokenCounts, rhs: TokenCounts) -> TokenCounts {
        TokenCounts(
            input: lhs.input - rhs.input, output: lhs.output - rhs.output,
            cachedInput: lhs.cachedInput - rhs.cachedInput)
    }
}
