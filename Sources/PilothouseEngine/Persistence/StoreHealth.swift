import Foundation

/// Whether the store takes writes, and how patiently it retries when the storage under it is
/// full: the engine pauses claiming while writes fail and tells the operator.
public protocol StoreHealth: Sendable {
    /// Where the store lives, for messages: a file path or a database address without its
    /// password.
    var location: String { get }

    /// Whether writes currently go through.
    var writeHealth: StoreWriteHealth { get }

    /// How long writes that hit a full disk are retried (default: not at all).
    func setWritePatience(_ patience: StoreWritePatience)

    /// Calls `handler` whenever the write health changes; returns a token for
    /// `removeWriteHealthObserver`.
    func observeWriteHealth(_ handler: @escaping @Sendable (StoreWriteHealth) -> Void) -> Int

    func removeWriteHealthObserver(_ token: Int)

    /// The backend's own consistency check: `"ok"` or what is damaged.
    func integrityCheck() throws -> String
}
