import Foundation
import NIOPosix
import PilothouseEngine
import PostgresNIO
import Synchronization

/// The receiving end of a store's change channel: one dedicated connection that LISTENs and
/// hands every notification to every subscriber.
///
/// The connection is opened for the first subscriber and closed once the last one is gone.
/// When it drops (a server restart, `pg_terminate_backend`, a cut network) subscribers hear
/// `.interrupted` once, then `.listening` when a new connection listens again; it retries
/// after 100 ms, doubling to 5 s, for as long as anyone subscribes. Changes committed while
/// it was down are lost, which is why subscribers poll too and read everything again when
/// it is back.
final class PostgresChangeListener: StoreChangeFeed {
    private let url: PostgresStoreURL
    private let channel: String

    private struct State {
        var subscribers: [Int: AsyncStream<StoreChange>.Continuation] = [:]
        var nextID = 0
        var task: Task<Void, Never>?
        /// Whether the connection listens now: a new subscriber hears `.listening` at once.
        var listening = false
    }

    private let state = Mutex(State())

    static let firstRetry: Duration = .milliseconds(100)
    static let longestRetry: Duration = .seconds(5)
    /// Changes kept for a subscriber that is behind; older ones are dropped (polling covers them).
    static let backlog = 1024

    init(url: PostgresStoreURL, channel: String) {
        self.url = url
        self.channel = channel
    }

    func changes() -> AsyncStream<StoreChange> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: StoreChange.self, bufferingPolicy: .bufferingNewest(Self.backlog))
        let id = state.withLock { state in
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            if state.listening { continuation.yield(.listening) }
            if state.task == nil { state.task = Task { await self.run() } }
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return stream
    }

    private func unsubscribe(_ id: Int) {
        let idle = state.withLock { state -> Task<Void, Never>? in
            state.subscribers[id] = nil
            guard state.subscribers.isEmpty else { return nil }
            defer {
                state.task = nil
                state.listening = false
            }
            return state.task
        }
        idle?.cancel()
    }

    private func broadcast(_ change: StoreChange) {
        let subscribers = state.withLock { state in
            switch change {
            case .listening: state.listening = true
            case .interrupted: state.listening = false
            default: break
            }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(change) }
    }

    /// Listens until cancelled, reconnecting with backoff; an outage is announced once.
    private func run() async {
        var retry = Self.firstRetry
        var interrupted = false
        while !Task.isCancelled {
            var reason = "the server closed the listening connection"
            do {
                try await listenOnce {
                    interrupted = false
                    retry = Self.firstRetry
                    broadcast(.listening)
                }
            } catch {
                reason = describe(error)
            }
            if Task.isCancelled { break }
            if !interrupted {
                interrupted = true
                broadcast(.interrupted(reason))
            }
            try? await Task.sleep(for: retry)
            retry = min(retry * 2, Self.longestRetry)
        }
    }

    /// One connection's life: connect, LISTEN, hand on notifications until it ends.
    private func listenOnce(listening: () -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(),
            configuration: try PostgresLink.configuration(url),
            id: PostgresLink.nextID(), logger: PostgresLink.logger)
        do {
            // `listen` calls back once the server confirmed the LISTEN.
            try await connection.listen(on: channel) { notifications in
                listening()
                for try await notification in notifications {
                    // Another program's payload on the channel is not ours to act on.
                    if let change = StoreChange(payload: notification.payload) { broadcast(change) }
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    /// Why the connection failed, for the notice (the location is already in it).
    private func describe(_ error: any Error) -> String {
        if case .database(_, let detail) = StoreError(postgres: error, url: url) { return detail }
        return String(describing: StoreError(postgres: error, url: url))
    }
}
