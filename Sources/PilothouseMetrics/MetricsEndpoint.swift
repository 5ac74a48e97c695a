import PilothouseCore

/// What `--metrics` starts: the HTTP server, and the task folding an engine's events into the
/// metrics it serves. Started and stopped together, so no scrape sees half of them.
public final class MetricsEndpoint: Sendable {
    public let server: MetricsServer
    private let folding: Task<Void, Never>

    private init(server: MetricsServer, folding: Task<Void, Never>) {
        self.server = server
        self.folding = folding
    }

    /// Binds `address` (throwing at once when it cannot), then folds `events` until they end.
    public static func start(
        on address: MetricsAddress, store: any MetricsStore, events: AsyncStream<EngineEvent>
    ) async throws(MetricsServerError) -> MetricsEndpoint {
        let metrics = EngineEventMetrics()
        let exposition = MetricsExposition(store: store, events: metrics)
        let server = try await MetricsServer.start(on: address, exposition: { try await exposition.render() })
        let folding = Task { await metrics.consume(events) }
        return MetricsEndpoint(server: server, folding: folding)
    }

    /// Where a scraper finds the metrics (with the port the system chose for port 0).
    public var url: String { server.address.url }

    public func stop() async {
        folding.cancel()
        await server.stop()
    }
}
