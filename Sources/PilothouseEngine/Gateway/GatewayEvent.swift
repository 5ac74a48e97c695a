import Foundation
import PilothouseCore

/// What the gateway reports as it works, for the engine to turn into beads, notices and
/// gauge updates. Delivered on `Gateway.events`; a slow consumer loses the oldest events, so
/// the gateway never blocks on its audience.
public enum GatewayEvent: Sendable, Hashable {
    /// A model's circuit breaker changed phase.
    case circuitChanged(model: String, from: CircuitBreaker.Phase, to: CircuitBreaker.Phase)
    /// A reservation went past a `warn` limit; the call proceeded.
    case budgetWarning(scopes: [BudgetScope], jobID: JobID?, model: String)
    /// An `enforce` limit refused a call; the caller got `budgetExceeded`.
    case budgetDenied(scope: BudgetScope, remaining: Money, jobID: JobID?, model: String)
    /// A transient failure; the same model is tried again after `delay`.
    case retrying(model: String, attempt: Int, delay: Duration, failure: FailureClass)
    /// The provider refused for load or rate (429, 529, a 503 with a hint): every call to
    /// `model` waits until `resumesAt`; the call goes back to the queue without spending a retry.
    case rateLimited(model: String, jobID: JobID?, resumesAt: Date, reason: String)
    /// The call moved on to the next model of its fallback chain.
    case fellBack(from: String, to: String, reason: String)
    /// A response-cache entry failed its SHA-256 and was purged.
    case cacheEntryPurged(key: String)
    /// Something an operator should read (unpriced model, ledger trouble).
    case notice(String)
}
