import Foundation
import PilothouseCore

/// How an HTTP provider streams its answers (`stream = true`, the default): how long a
/// stream may go without a byte before it counts as stalled, and how progress is reported.
public struct StreamSettings: Sendable, Hashable {
    /// No byte for this long is a timeout, even when the call's deadline is far.
    public var idle: Duration

    public init(idle: Duration = .seconds(60)) { self.idle = idle }

    /// Tells the stage awaiting the call (if any) how many tokens arrived and how fast.
    func reporter(model: String) -> @Sendable (StreamedAnswer) async -> Void {
        guard let observer = ModelCallObservation.observer else { return { _ in } }
        let started = ContinuousClock.now
        return { answer in
            let elapsed = started.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let tokens = answer.outputTokensSoFar
            await observer.streaming(
                model: model, tokens: tokens, tokensPerSecond: seconds > 0 ? Double(tokens) / seconds : 0)
        }
    }

    /// The provider's reply from a finished stream.
    static func reply(_ answer: StreamedAnswer, headers: [String: String], requestIDHeaders: [String])
        -> ProviderReply
    {
        ProviderReply(
            text: answer.text,
            requestID: requestIDHeaders.lazy.compactMap { headers[$0] }.first ?? answer.requestID,
            tokens: answer.tokens, rateLimits: RateLimitSnapshot.parse(headers: headers, now: Date()))
    }
}
