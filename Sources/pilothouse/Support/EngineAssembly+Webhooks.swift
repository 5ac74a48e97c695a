import Foundation
import PilothouseEngine

extension EngineAssembly {
    /// Delivers the outbox to the `[[webhooks]]` while the engine runs: first every pending
    /// row (a restart is a retry, whatever the backoff said), then what is due, every second.
    /// Each outcome is a bead; a failed or expired delivery is also an engine notice. Cancel
    /// it when the run ends, await it, then call `flushWebhooks()`.
    func deliverWebhooks() -> Task<Void, Never>? {
        guard let webhooks else { return nil }
        return Task.detached { [engine] in
            var dueBy = Date.distantFuture
            while !Task.isCancelled {
                // A pass of its own: cancelling the loop must not cut a request short, which
                // would count as the receiver's failure and push its retry back.
                let pass = Task { [dueBy] in try await webhooks.deliverDue(dueBy: dueBy) }
                do {
                    // Deliveries are beads only; what needs the operator is a notice too.
                    for report in try await pass.value {
                        if case .delivered = report { continue }
                        await engine.notify(report.text)
                    }
                } catch {
                    await engine.notify("could not deliver webhooks: \(error); retrying")
                }
                dueBy = Date()
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// One last pass after the run over everything pending, for what the end of the run
    /// announced (`run_finished`) and what was waiting for its backoff. It stops at the first
    /// failure; what is left stays in the outbox for the next engine.
    func flushWebhooks() async {
        guard let webhooks else { return }
        do {
            let reports = try await webhooks.deliverDue(dueBy: .distantFuture, limit: 1_000)
            if let failure = reports.first(where: { if case .failed = $0 { true } else { false } }) {
                printError("pilothouse: \(failure.text); what is left stays in the outbox for the next run")
            }
        } catch {
            printError(
                "pilothouse: could not deliver webhooks: \(error); they stay in the outbox for the next run")
        }
    }
}
