import Foundation
import Synchronization

/// Lets a loop sleep for its interval or until something happened, whichever comes first:
/// the engine's run loop and the store watcher wait on one, and a finished stage, an
/// operator's command or a pushed store change signals it.
///
/// A signal sent while nobody waits is kept for the next wait, which then returns at once:
/// a change that arrives while the loop is busy is never lost until the interval ends.
/// One waiter at a time.
final class WakeSignal: Sendable {
    private struct State {
        /// A signal nobody has waited for yet.
        var pending = false
        /// The wait in progress, parked.
        var waiter: CheckedContinuation<Void, Never>?
        /// Counts waits, so a late timer of an earlier wait cannot end a later one.
        var generation: UInt64 = 0
        /// The current wait's timer fired (or its task was cancelled) before it parked.
        var expired = false
    }

    private let state = Mutex(State())

    init() {}

    /// Ends the current wait, or the next one at once.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after `timeout`, at a signal (or at once for one sent since the last wait), or
    /// when the waiting task is cancelled.
    func wait(timeout: Duration) async {
        let generation = state.withLock { state -> UInt64? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.generation += 1
            state.expired = false
            return state.generation
        }
        guard let generation else { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.expire(generation)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.pending || state.expired {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            expire(generation)
        }
        timer.cancel()
    }

    /// Ends wait number `generation` if it is still the current one.
    private func expire(_ generation: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.generation == generation else { return nil }
            guard let waiter = state.waiter else {
                state.expired = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }
}
