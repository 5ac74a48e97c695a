import Foundation

/// Hears what happens inside one model call while the caller awaits it: a wait for the
/// provider's rate limit, and tokens streaming in. The engine installs one per stage (as a
/// task-local, see `ModelCallObservation`), so the gateway reaches the stage's job without
/// every `ModelClient` signature carrying a callback.
public protocol ModelCallObserver: Sendable {
    /// The call waits for `model` until `until` (a 429 or overloaded answer); nothing is wrong
    /// with the job, and the stage's deadline should not count this time.
    func waiting(model: String, until: Date, reason: String) async
    /// The call is streaming: `tokens` output tokens so far, at `tokensPerSecond`.
    func streaming(model: String, tokens: Int, tokensPerSecond: Double) async
}

/// Where the current task's observer lives; nil outside a stage (CLI calls, benchmarks).
public enum ModelCallObservation {
    @TaskLocal public static var observer: (any ModelCallObserver)?
}
