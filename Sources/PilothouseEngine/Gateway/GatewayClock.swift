/// Where the gateway reads time and sleeps. Injected so rate-limiter tests and the throughput
/// benchmark can run minutes of simulated traffic without waiting minutes.
public protocol GatewayClock: Sendable {
    var now: ContinuousClock.Instant { get }
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

/// The real clock.
public struct SystemGatewayClock: GatewayClock {
    public init() {}
    public var now: ContinuousClock.Instant { ContinuousClock.now }
    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await ContinuousClock().sleep(until: deadline, tolerance: .milliseconds(1))
    }
}
