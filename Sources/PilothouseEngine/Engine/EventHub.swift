import PilothouseCore
import Synchronization

/// Fans engine events out to every subscriber.
///
/// Buffers are unbounded because consumers fold deltas into a snapshot: a dropped delta
/// would leave a console showing a state that never existed.
final class EventHub: Sendable {
    private let subscribers = Mutex<[Int: AsyncStream<EngineEvent>.Continuation]>([:])
    private let nextID = Mutex(0)

    func subscribe(first: EngineEvent) -> AsyncStream<EngineEvent> {
        let (stream, continuation) = AsyncStream<EngineEvent>.makeStream(bufferingPolicy: .unbounded)
        let id = nextID.withLock { value in
            value += 1
            return value
        }
        continuation.yield(first)
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ event: EngineEvent) {
        let current = subscribers.withLock { Array($0.values) }
        for continuation in current { continuation.yield(event) }
    }

    /// An engine that goes away ends its subscribers' streams: a console or `run --json`
    /// writer waiting on them would otherwise wait for ever (and keep its task in memory).
    deinit { finish() }

    func finish() {
        let current = subscribers.withLock { subscribers in
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for continuation in current { continuation.finish() }
    }
}
