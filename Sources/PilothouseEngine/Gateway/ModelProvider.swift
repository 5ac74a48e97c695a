/// One backend the gateway can send calls to: an HTTP API or the simulated model.
///
/// Providers only translate; rate limiting, retries, fallbacks, budgets and the ledger are
/// the gateway's, so every provider gets them the same way.
public protocol ModelProvider: Sendable {
    func send(_ call: ProviderCall) async throws(ProviderError) -> ProviderReply
}
