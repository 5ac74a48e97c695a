import Foundation

/// A clock moved by hand, so minutes of rate-limited traffic take no time: used by the
/// gateway's tests and its load benchmark.
public final class ManualGatewayClock: GatewayClock, @unchecked Sendable {
    public init() {}

    private let lock = NSLock()
    private var current = ContinuousClock.now
    private var sleepers:
        [(deadline: ContinuousClock.Instant, continuation: CheckedContinuation<Void, Never>)] = []

    public var now: ContinuousClock.Instant { lock.withLock { current } }

    /// When the earliest sleeper is due; nil when nobody sleeps. Lets a test assert that an
    /// advance woke no one, instead of sleeping to see that nothing happens.
    public var nextDeadline: ContinuousClock.Instant? { lock.withLock { sleepers.map(\.deadline).min() } }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let due: Bool = lock.withLock {
                if deadline <= current { return true }
                sleepers.append((deadline, continuation))
                return false
            }
            if due { continuation.resume() }
        }
        try Task.checkCancellation()
    }

    public func advance(by duration: Duration) {
        let due: [CheckedContinuation<Void, Never>] = lock.withLock {
            current += duration
            let ready = sleepers.filter { $0.deadline <= current }.map(\.continuation)
            sleepers.removeAll { $0.deadline <= current }
            return ready
        }
        for continuation in due { continuation.resume() }
    }
}
