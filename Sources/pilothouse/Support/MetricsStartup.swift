import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseMetrics

/// `--metrics` on the commands that run an engine (`run`, `engine`, `console`): binds the
/// address before the engine starts, so a port in use stops the command at once (exit 2)
/// instead of leaving a swarm running that nobody can scrape.
enum MetricsStartup {
    static func start(
        _ address: MetricsAddress?, store: any PilothouseStore, engine: Engine
    ) async throws -> MetricsEndpoint? {
        guard let address else { return nil }
        // Its own subscription: the metrics see every event from the snapshot on, whatever
        // the console or the JSON printer does with theirs.
        let events = await engine.events()
        do {
            return try await MetricsEndpoint.start(on: address, store: store, events: events)
        } catch {
            throw CommandFailure(error.description, code: 2)
        }
    }
}
