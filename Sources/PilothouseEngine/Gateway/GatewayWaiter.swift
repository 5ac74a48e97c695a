import PilothouseCore

/// A call waiting in the gateway's queue for its model's limits, a slot and a closed circuit.
struct GatewayWaiter {
    /// What the queue hands back.
    enum Admission: Sendable {
        case granted(GatewayTicket)
        /// The model's circuit is open; `retryIn` is nil while a half-open probe is out.
        case circuitOpen(retryIn: Duration?)
    }

    let id: UInt64
    let route: ModelRoute
    let priority: Priority
    /// Fairness is per job: round-robin between jobs of the same priority.
    let job: String
    let tokens: Int
    let continuation: CheckedContinuation<Admission, any Error>
}

/// A granted call, to be handed back to `Gateway.finish`.
struct GatewayTicket: Sendable {
    let id: UInt64
    let route: ModelRoute
    let tokens: Int
    /// This call is the breaker's half-open probe.
    let probe: Bool
}
