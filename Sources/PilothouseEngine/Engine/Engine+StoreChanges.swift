import Foundation
import PilothouseCore

/// What pushed store changes ask of the engine's run loop, gathered until it wakes.
struct StoreNudges: Sendable, Equatable {
    /// Renew leases now: a job this engine runs was stopped by another process.
    var checkLeases = false
    /// Look for approved merges no engine holds now: an approval was decided elsewhere.
    var takeOverMerges = false
}

extension Engine {
    /// Subscribes to the store's change feed, if it has one, for the length of a run: a job
    /// queued, an approval decided or a job of ours stopped elsewhere wakes the run loop at
    /// once; the poll interval stays the fallback for a feed that is down or a lost change.
    func listenForStoreChanges() -> Task<Void, Never>? {
        guard let feed = store.changeFeed else { return nil }
        let changes = feed.changes()
        return Task { [weak self] in
            for await change in changes {
                // Most of a busy fleet's changes are beads, which the loop does not wait for.
                if change == .beadAppended { continue }
                await self?.storeChanged(change)
            }
        }
    }

    /// Wakes the run loop for a change that concerns this engine.
    func storeChanged(_ change: StoreChange) {
        switch change {
        case .jobQueued:
            break  // the loop claims at every wake
        case .budgetChanged:
            // Raised (or removed) from another process: try again, as after `setBudget` here;
            // a budget still too small stops the engine again at its next reservation.
            guard state == .budgetStopped else { return }
            summary.budgetStopped = false
            setState(.running)
            publish(.notice("a budget was changed in the store; claiming again"))
        case .approvalDecided:
            nudges.takeOverMerges = true
        case .jobStopped(let id):
            // This engine's own cancel, pause or outcome already stopped the task.
            guard let task = active[id], !task.isCancelled, !settled.contains(id) else { return }
            nudges.checkLeases = true
        case .beadAppended:
            return
        case .listening:
            guard feedInterrupted else { return }
            feedInterrupted = false
            publish(.notice(StoreChangeFeedNotice.back(store.location)))
            // Whatever was committed while the feed was down was missed: look at everything.
            nudges = StoreNudges(checkLeases: true, takeOverMerges: true)
        case .interrupted(let reason):
            guard !feedInterrupted else { return }
            feedInterrupted = true
            publish(
                .notice(
                    StoreChangeFeedNotice.lost(
                        store.location, reason: reason, polling: configuration.pollInterval)))
            return
        }
        wake()
    }
}
