import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// A provider that records the order calls start in and takes a fixed time. A call whose
/// content is `blocker` is held until `release()`, so tests can fill the queue behind it
/// without racing the clock.
final class RecordingProvider: ModelProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var started: [String] = []
    private var released = false
    let latency: Duration

    init(latency: Duration) { self.latency = latency }

    var order: [String] { lock.withLock { started } }

    func release() { lock.withLock { released = true } }

    func send(_ call: ProviderCall) async throws(ProviderError) -> ProviderReply {
        let content = call.request.messages.last?.content ?? ""
        lock.withLock { started.append(content) }
        if content == "blocker" {
            while !lock.withLock({ released }) {
                do {
                    try await Task.sleep(for: .milliseconds(5))
                } catch {
                    throw .transport(.cancelled, message: "cancelled")
                }
            }
        }
        if latency > .zero {
            do {
                try await Task.sleep(for: latency)
            } catch {
                throw .transport(.cancelled, message: "cancelled")
            }
        }
        return ProviderReply(text: "ok \(content)", tokens: TokenCounts(input: 10, output: 5))
    }
}

/// Queue order, fairness, cancellation and configured limits.
@Suite("Gateway queue")
struct GatewayQueueTests {
    static func gateway(
        provider: any ModelProvider, model: GatewayConfig.Model = .init(),
        clock: any GatewayClock = SystemGatewayClock()
    ) -> Gateway {
        var config = GatewayFixture.config().gateway
        config.models["simulated:sim-1"] = model
        return Gateway(
            options: GatewayOptions(config: config), providers: ["simulated": provider], store: nil,
            runID: nil,
            clock: clock)
    }

    static func job(_ seed: UInt64) -> JobID {
        var random = SplitMix64(seed: seed)
        return JobID(date: Date(timeIntervalSince1970: 1_700_000_000), using: &random)
    }

    @Test func priorityFirstThenRoundRobinBetweenJobsThenFIFO() async throws {
        let provider = RecordingProvider(latency: .milliseconds(5))
        var model = GatewayConfig.Model()
        model.concurrency = 1
        let gateway = Self.gateway(provider: provider, model: model)
        let (jobA, jobB, jobC, jobX) = (Self.job(1), Self.job(2), Self.job(3), Self.job(4))
        let plan: [(String, JobID, Priority)] = [
            ("blocker", jobX, .p2), ("A1", jobA, .p2), ("A2", jobA, .p2), ("A3", jobA, .p2),
            ("B1", jobB, .p2),
            ("urgent", jobC, .p0),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (content, job, priority) in plan {
                group.addTask {
                    _ = try await gateway.complete(
                        GatewayFixture.request(
                            model: "simulated:sim-1", content: content, jobID: job, priority: priority))
                }
                // Arrival order is part of what is tested: each call is queued behind the held
                // blocker before the next arrives.
                let queued = plan.firstIndex { $0.0 == content }!
                await eventually("queue depth \(queued)") { await gateway.queueDepth == queued }
            }
            provider.release()
            try await group.waitForAll()
        }
        #expect(provider.order == ["blocker", "urgent", "A1", "B1", "A2", "A3"])
    }

    @Test func cancellingAWaitingCallRemovesIt() async throws {
        let provider = RecordingProvider(latency: .zero)
        var model = GatewayConfig.Model()
        model.concurrency = 1
        let gateway = Self.gateway(provider: provider, model: model)
        let blocker = Task {
            try await gateway.complete(GatewayFixture.request(model: "simulated:sim-1", content: "blocker"))
        }
        await eventually("one call in flight") { await gateway.inFlight == 1 }
        let waiting = Task {
            try await gateway.complete(GatewayFixture.request(model: "simulated:sim-1", content: "waiting"))
        }
        await eventually("one queued call") { await gateway.queueDepth == 1 }
        waiting.cancel()
        await #expect(throws: ModelClientError.cancelled) { _ = try await waiting.value }
        #expect(await gateway.queueDepth == 0)
        provider.release()
        _ = try await blocker.value
        #expect(provider.order == ["blocker"])
    }

    @Test func requestsPerMinuteHoldInEverySixtySecondWindow() async throws {
        let clock = ManualGatewayClock()
        let provider = RecordingProvider(latency: .zero)
        var model = GatewayConfig.Model()
        model.requestsPerMinute = 5
        let gateway = Self.gateway(provider: provider, model: model, clock: clock)
        let tasks = (0..<12).map { index in
            Task {
                try await gateway.complete(
                    GatewayFixture.request(model: "simulated:sim-1", content: "r\(index)"))
            }
        }
        try #require(await eventually("five calls in the first window") { provider.order.count == 5 })
        let gauge = try #require(await gateway.modelGauges().first)
        #expect(gauge.requestsPerMinute == 5)
        #expect(gauge.requestsPerMinuteLimit == 5)
        try #require(await eventually("the other calls to wait for the window") { clock.nextDeadline != nil })
        clock.advance(by: .seconds(59))
        // Advancing wakes every sleeper that is due; none is before the window ends, so no sixth
        // call can start (asserted without sleeping to see that nothing happens).
        #expect(try #require(clock.nextDeadline) > clock.now)
        #expect(provider.order.count == 5)
        clock.advance(by: .seconds(1))
        await eventually("five more calls in the second window") { provider.order.count == 10 }
        clock.advance(by: .seconds(60))
        for task in tasks { _ = try await task.value }
        #expect(provider.order.count == 12)
    }

    @Test func tokensPerMinuteChargeTheEstimateThenTheRealUsage() async throws {
        let clock = ManualGatewayClock()
        let provider = RecordingProvider(latency: .zero)
        var model = GatewayConfig.Model()
        // Each call is estimated at about 220 tokens (prompt + 200 output) but uses 15.
        model.tokensPerMinute = 500
        let gateway = Self.gateway(provider: provider, model: model, clock: clock)
        for index in 0..<10 {
            _ = try await gateway.complete(
                GatewayFixture.request(model: "simulated:sim-1", content: "t\(index)"))
        }
        // Corrected usage (10 × 15 tokens) is all the window holds, so none of them waited.
        let gauge = try #require(await gateway.modelGauges().first)
        #expect(gauge.tokensPerMinute == 150)
    }
}
