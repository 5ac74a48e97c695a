import PilothouseCore

/// Per-stage concurrency caps across all jobs (e.g. at most two `test` stages at once).
///
/// Waiters are served first come, first served; a cancelled waiter leaves the line.
actor StageSlots {
    private let limits: [StageName: Int]
    private var inUse: [StageName: Int] = [:]
    private var waiters: [StageName: [(id: Int, continuation: CheckedContinuation<Bool, Never>)]] = [:]
    private var nextWaiter = 0

    init(limits: [StageName: Int]) { self.limits = limits }

    /// Returns `false` when the task was cancelled while waiting (no slot was taken).
    func acquire(_ stage: StageName) async -> Bool {
        guard let limit = limits[stage] else { return true }
        if inUse[stage, default: 0] < limit {
            inUse[stage, default: 0] += 1
            return true
        }
        nextWaiter += 1
        let id = nextWaiter
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: false)
                } else {
                    waiters[stage, default: []].append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id, stage: stage) }
        }
    }

    func release(_ stage: StageName) {
        guard limits[stage] != nil else { return }
        if var queue = waiters[stage], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[stage] = queue
            next.continuation.resume(returning: true)  // the slot passes straight on
        } else {
            inUse[stage, default: 1] -= 1
        }
    }

    private func cancelWaiter(_ id: Int, stage: StageName) {
        guard let index = waiters[stage]?.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters[stage]!.remove(at: index)
        waiter.continuation.resume(returning: false)
    }
}
