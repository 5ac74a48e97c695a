import Foundation
import PilothouseCore

extension Engine {
    /// The engine's whole view, read from the store so that it includes what other
    /// processes did.
    func makeSnapshot() async throws -> EngineSnapshot {
        let jobs = try store.jobs()
        var approvals: [ApprovalRequest] = []
        for job in jobs where job.state == .awaitingApproval {
            if let request = try store.approvalRequest(for: job) { approvals.append(request) }
        }
        var gauges = await gaugeSource?() ?? Gauges()
        gauges.queueDepth = jobs.filter { $0.state == .queued }.count
        gauges.inFlight = active.count
        gauges.engines = try store.engines()
        return EngineSnapshot(
            jobs: jobs, quarantine: try store.quarantineRecords(), approvals: approvals,
            recentBeads: try store.recentBeads(limit: configuration.recentBeadLimit), gauges: gauges,
            state: state)
    }

    /// The snapshot without subscribing, for `status` and tests.
    public func snapshot() async throws -> EngineSnapshot { try await makeSnapshot() }
}
