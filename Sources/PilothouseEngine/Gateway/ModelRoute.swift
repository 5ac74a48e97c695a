/// A `provider:model` id split into the provider that serves it and the model name that
/// provider's API expects.
public struct ModelRoute: Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// `provider:model` when the prefix names a known provider; otherwise the whole text is a
    /// model of `defaultProvider`, so `llama3:8b` on an Ollama provider keeps its colon.
    public init(parsing text: String, providers: Set<String>, defaultProvider: String) {
        if let colon = text.firstIndex(of: ":"), providers.contains(String(text[..<colon])) {
            provider = String(text[..<colon])
            model = String(text[text.index(after: colon)...])
        } else {
            provider = defaultProvider
            model = text
        }
    }

    public var id: String { "\(provider):\(model)" }
    public var description: String { id }
}
