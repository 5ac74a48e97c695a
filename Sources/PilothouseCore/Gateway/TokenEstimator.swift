/// A rough, deliberately pessimistic token count for pre-call reservations.
///
/// Reservations only need to be in the right ballpark and should err high: an under-estimate
/// lets concurrent calls overshoot a budget or a tokens-per-minute limit before the real usage
/// comes back. Counting UTF-8 bytes rather than characters is what keeps the estimate honest
/// for non-Latin text: English averages about four characters (= bytes) per token, while a CJK
/// character is three bytes and roughly one token, which characters/4 would undercount
/// fourfold. No tokenizer is bundled: Core stays Foundation-only and providers differ anyway.
public struct TokenEstimator: Sendable, Hashable {
    public var bytesPerToken: Int
    /// Smallest estimate for any non-empty text, so short prompts still reserve something.
    public var minimumTokens: Int
    /// Per-message framing (role markers, separators) that chat APIs add to the prompt.
    public var perMessageOverhead: Int

    public init(bytesPerToken: Int = 4, minimumTokens: Int = 1, perMessageOverhead: Int = 4) {
        precondition(bytesPerToken >= 1, "bytesPerToken must be positive")
        self.bytesPerToken = bytesPerToken
        self.minimumTokens = max(0, minimumTokens)
        self.perMessageOverhead = max(0, perMessageOverhead)
    }

    /// Tokens in one text: `ceil(utf8 bytes / bytesPerToken)`, at least `minimumTokens` unless
    /// the text is empty.
    public func estimate(_ text: String) -> Int {
        let bytes = text.utf8.count
        guard bytes > 0 else { return 0 }
        return max(minimumTokens, (bytes + bytesPerToken - 1) / bytesPerToken)
    }

    /// Tokens in a chat prompt made of these message bodies.
    public func estimate(messages: [String]) -> Int {
        messages.reduce(0) { $0 + estimate($1) + perMessageOverhead }
    }

    /// The usage to reserve for a call: the estimated prompt, and the full output allowance,
    /// since the model may use all of it. Nothing is assumed cached.
    public func reservation(messages: [String], maxOutputTokens: Int) -> TokenCounts {
        TokenCounts(input: estimate(messages: messages), output: max(0, maxOutputTokens))
    }
}
