import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// Gateway overhead per call against a zero-latency simulated provider. Prints figures for
/// Docs/PERFORMANCE.md and asserts nothing about speed; run with PILOTHOUSE_BENCH=1.
@Suite("Gateway benchmark", .enabled(if: ProcessInfo.processInfo.environment["PILOTHOUSE_BENCH"] == "1"))
struct GatewayBenchmarkTests {
    @Test(arguments: [1, 16])
    func overheadPerCall(workers: Int) async throws {
        var config = GatewayFixture.config().gateway
        config.gateway.defaultConcurrency = 64
        let gateway = Gateway(
            options: GatewayOptions(config: config),
            providers: ["simulated": SimulatedProvider(settings: config.simulated)],
            store: nil, runID: nil)
        let perWorker = 20_000 / workers
        let started = ContinuousClock.now
        let samples = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var local: [Duration] = []
                    local.reserveCapacity(perWorker)
                    for index in 0..<perWorker {
                        let request = GatewayFixture.request(
                            model: "simulated:sim-1", role: "bench", content: "w\(worker) c\(index)")
                        let begin = ContinuousClock.now
                        _ = try await gateway.complete(request)
                        local.append(begin.duration(to: .now))
                    }
                    return local
                }
            }
            var all: [Duration] = []
            for try await part in group { all += part }
            return all.sorted()
        }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        func micros(_ duration: Duration) -> Int {
            Int(duration.components.attoseconds / 1_000_000_000_000) + Int(duration.components.seconds)
                * 1_000_000
        }
        print(
            "gateway overhead: \(samples.count) calls, \(workers) concurrent, \(Int(Double(samples.count) / seconds)) calls/s, p50 \(micros(samples[samples.count / 2])) µs, p99 \(micros(samples[samples.count * 99 / 100])) µs"
        )
    }
}
