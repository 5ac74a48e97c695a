import Foundation
import Synchronization

/// A store's write health, its retry patience and who wants to hear when the health changes:
/// the bookkeeping behind `StoreHealth`, the same for every backend.
public final class StoreWriteHealthMonitor: Sendable {
    private struct State {
        var health = StoreWriteHealth.ok
        var patience = StoreWritePatience.none
        var observers: [Int: @Sendable (StoreWriteHealth) -> Void] = [:]
        var nextObserver = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var health: StoreWriteHealth { state.withLock { $0.health } }

    public var patience: StoreWritePatience {
        get { state.withLock { $0.patience } }
        set { state.withLock { $0.patience = newValue } }
    }

    /// Calls `handler` (on the writing thread) whenever the health changes; returns a token
    /// for `removeObserver`.
    public func observe(_ handler: @escaping @Sendable (StoreWriteHealth) -> Void) -> Int {
        state.withLock { state in
            state.nextObserver += 1
            state.observers[state.nextObserver] = handler
            return state.nextObserver
        }
    }

    public func removeObserver(_ token: Int) {
        _ = state.withLock { $0.observers.removeValue(forKey: token) }
    }

    /// Records `next`; observers hear of a change (not of a repeated `ok` or `failing`),
    /// outside the lock, so an observer may read the health again.
    public func set(_ next: StoreWriteHealth) {
        let observers: [@Sendable (StoreWriteHealth) -> Void] = state.withLock { state in
            switch (state.health, next) {
            case (.ok, .ok), (.failing, .failing): return []
            default:
                state.health = next
                return Array(state.observers.values)
            }
        }
        for observer in observers { observer(next) }
    }
}
