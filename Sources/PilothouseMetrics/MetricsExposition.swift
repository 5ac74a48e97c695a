import PilothouseEngine
import Prometheus

/// One scrape's answer: the store's state read now, then what this process's engine events
/// added up to, in the Prometheus text exposition format (0.0.4).
public struct MetricsExposition: Sendable {
    let store: any MetricsStore
    let events: EngineEventMetrics

    public init(store: any MetricsStore, events: EngineEventMetrics) {
        self.store = store
        self.events = events
    }

    /// Reads the store in this call, so a failed read fails this scrape (HTTP 500) and the
    /// next one tries again.
    public func render() async throws -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        try StoreReading.read(from: store).register(in: registry)
        var buffer = registry.emitToBuffer()
        await events.emit(into: &buffer)
        return buffer
    }
}
