import Foundation

/// A store that pushes the changes other processes commit, so engines and consoles wake when
/// something happened instead of only when their poll interval ends.
///
/// Polling stays the fallback everywhere: a backend without a feed (SQLite) is polled as
/// before, and a feed that lost its connection says so (`StoreChange.interrupted`) while its
/// consumers go on polling.
public protocol StoreChangeFeed: Sendable {
    /// A new subscription: `.listening` once the feed receives (at once if it already does),
    /// then every change committed from then on by any process, this one included. It ends
    /// when the subscriber stops iterating it.
    func changes() -> AsyncStream<StoreChange>
}

extension PilothouseStore {
    /// No feed unless a backend has one: consumers poll.
    public var changeFeed: (any StoreChangeFeed)? { nil }
}

/// What an engine or a console shows when its feed drops and when it is back: once each, so
/// nobody takes a view that is polled for one that is pushed.
enum StoreChangeFeedNotice {
    static func lost(_ location: String, reason: String, polling interval: Duration) -> String {
        "\(location): lost the store's change feed (\(reason)); reconnecting, and polling every "
            + "\(Int((interval.seconds * 1000).rounded())) ms meanwhile"
    }

    static func back(_ location: String) -> String {
        "\(location): the store's change feed is back; changes are pushed again"
    }
}
