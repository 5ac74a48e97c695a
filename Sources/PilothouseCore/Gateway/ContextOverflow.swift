/// The token figures of a "prompt does not fit" error, read from the provider's own words so
/// the quarantine record can say how far over the window the prompt was.
///
/// The wordings in use:
/// - OpenAI: `This model's maximum context length is 8192 tokens. However, your messages
///   resulted in 9120 tokens.` (code `context_length_exceeded`);
/// - Anthropic: `prompt is too long: 210012 tokens > 200000 maximum`;
/// - LiteLLM: `litellm.ContextWindowExceededError: …` wrapping either of the above (its mock
///   carries no figures, so both may be nil).
public struct ContextOverflow: Sendable, Hashable, Codable {
    /// The model's window, when the message says it.
    public var limit: Int?
    /// The prompt's size as the provider counted it.
    public var requested: Int?

    public init(limit: Int? = nil, requested: Int? = nil) {
        self.limit = limit
        self.requested = requested
    }

    /// Reads the figures out of an error message; missing figures stay nil.
    public static func parse(_ message: String) -> ContextOverflow {
        let text = message.lowercased()
        var overflow = ContextOverflow()
        if let limit = number(after: "maximum context length is ", in: text) { overflow.limit = limit }
        if let requested = number(after: "resulted in ", in: text) { overflow.requested = requested }
        if let requested = number(after: "prompt is too long: ", in: text) {
            overflow.requested = requested
            if let range = text.range(of: "tokens > ") {
                overflow.limit = leadingNumber(text[range.upperBound...])
            }
        }
        return overflow
    }

    /// `limit / requested` as the share of the prompt to keep, with a margin because the
    /// providers' tokenizers are not ours; one half when the figures are unknown.
    public var keepFraction: Double {
        guard let limit, let requested, requested > 0, limit < requested else { return 0.5 }
        return max(0.1, Double(limit) / Double(requested) * 0.8)
    }

    public var summary: String {
        switch (requested, limit) {
        case (let requested?, let limit?): "\(requested) prompt tokens for a window of \(limit)"
        case (let requested?, nil): "\(requested) prompt tokens"
        case (nil, let limit?): "a window of \(limit) tokens"
        case (nil, nil): "the provider gave no token figures"
        }
    }

    private static func number(after marker: String, in text: String) -> Int? {
        guard let range = text.range(of: marker) else { return nil }
        return leadingNumber(text[range.upperBound...])
    }

    private static func leadingNumber(_ text: Substring) -> Int? {
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ",") }.filter { $0 != "," }
        return digits.count <= 12 ? Int(digits) : nil
    }
}
