import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// Measurements of the gateway alone, for `pilothouse bench --gateway`.
enum GatewayBenchmarks {
    /// Overhead per call against a zero-latency simulated provider, one caller and many.
    static func overhead(calls: Int = 20_000) async throws {
        for workers in [1, 16] {
            var config = PilothouseConfig().gateway
            config.simulated.latencyP50Millis = 0
            config.simulated.latencyP99Millis = 0
            config.gateway.defaultConcurrency = 64
            let gateway = Gateway(
                options: GatewayOptions(config: config),
                providers: ["simulated": SimulatedProvider(settings: config.simulated)], store: nil,
                runID: nil)
            let perWorker = calls / workers
            let started = ContinuousClock.now
            let samples = try await withThrowingTaskGroup(of: [Duration].self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var local: [Duration] = []
                        local.reserveCapacity(perWorker)
                        for index in 0..<perWorker {
                            let begin = ContinuousClock.now
                            _ = try await gateway.complete(request(content: "w\(worker) c\(index)", job: nil))
                            local.append(begin.duration(to: .now))
                        }
                        return local
                    }
                }
                var all: [Duration] = []
                for try await part in group { all += part }
                return all.sorted()
            }
            let seconds = started.duration(to: .now).seconds
            print(
                "gateway overhead: \(samples.count) calls, \(workers) concurrent: \(Int(Double(samples.count) / seconds)) calls/s, p50 \(micros(samples[samples.count / 2])) µs, p99 \(micros(samples[samples.count * 99 / 100])) µs"
            )
        }
    }

    /// Offers 3× the configured requests and tokens per minute for several simulated
    /// minutes (a manual clock, so it takes seconds) and prints what was delivered in each
    /// 60-second window, plus the busiest sliding window.
    static func rateLimits(rpm: Int = 60, tpm: Int = 6_000, minutes: Int = 5) async throws {
        let clock = ManualGatewayClock()
        let recorder = DeliveryRecorder(clock: clock)
        var config = PilothouseConfig().gateway
        var model = GatewayConfig.Model()
        model.requestsPerMinute = rpm
        model.tokensPerMinute = tpm
        model.concurrency = 64
        config.models["load:model"] = model
        let gateway = Gateway(
            options: GatewayOptions(config: config), providers: ["load": recorder], store: nil, runID: nil,
            clock: clock)
        let start = clock.now
        let offeredPerSecond = Double(rpm * 3) / 60
        var offered = 0.0
        var tasks: [Task<Void, Never>] = []
        for second in 0..<(minutes * 60) {
            offered += offeredPerSecond
            while offered >= 1 {
                offered -= 1
                let job = JobID()
                let content = "job \(job.short) second \(second)"
                tasks.append(
                    Task {
                        _ = try? await gateway.complete(
                            request(content: content, job: job, model: "load:model"))
                    })
            }
            // Let every call the gateway admits at this instant reach the provider before
            // time moves on, so a delivery is recorded at the second it was admitted.
            var settled = 0
            while settled < 3 {
                let before = recorder.deliveries.count
                try await Task.sleep(for: .milliseconds(1))
                let idle = await gateway.inFlight == 0
                settled = recorder.deliveries.count == before && idle ? settled + 1 : 0
            }
            clock.advance(by: .seconds(1))
        }
        for task in tasks { task.cancel() }
        let deliveries: [(Double, Int)] = recorder.deliveries.map { delivery in
            (start.duration(to: delivery.at).seconds, delivery.tokens)
        }
        print(
            "gateway rate limits: offered \(rpm * 3) req/min (3× rpm \(rpm)), tpm limit \(tpm), \(minutes) simulated minutes"
        )
        print("window      requests  (limit)  tokens  (limit)")
        for window in 0..<minutes {
            let from = Double(window * 60)
            let inWindow = deliveries.filter { delivery in delivery.0 >= from && delivery.0 < from + 60 }
            let tokens = inWindow.reduce(0) { sum, delivery in sum + delivery.1 }
            print(
                String(
                    format: "%3d–%3ds   %8d  %7d  %6d  %7d", window * 60, window * 60 + 60, inWindow.count,
                    rpm, tokens, tpm))
        }
        var busiestRequests = 0
        var busiestTokens = 0
        for (index, first) in deliveries.enumerated() {
            let end = first.0 + 60
            let window = deliveries[index...].prefix { delivery in delivery.0 < end }
            busiestRequests = max(busiestRequests, window.count)
            busiestTokens = max(busiestTokens, window.reduce(0) { sum, delivery in sum + delivery.1 })
        }
        print(
            "busiest sliding 60 s window: \(busiestRequests) requests (limit \(rpm)), \(busiestTokens) tokens (limit \(tpm))"
        )
    }

    /// What reading an answer as a stream costs per call, against decoding the same answer
    /// as one JSON body: parsing server-sent events and assembling the answer (OpenAI chunks
    /// and Anthropic events), for an answer of 1 000 output tokens in 250 chunks.
    static func streaming(calls: Int = 2_000, chunks: Int = 250) {
        let piece = "four tokens of text"
        let openAI =
            (0..<chunks).map { _ in
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\(piece)\"},\"finish_reason\":null}]}\n\n"
            }.joined()
            + "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":1000}}\n\ndata: [DONE]\n\n"
        let anthropic =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{\"input_tokens\":900,\"output_tokens\":1}}}\n\n"
            + (0..<chunks).map { _ in
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\(piece)\"}}\n\n"
            }.joined()
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":1000}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        let whole = Data(
            "{\"id\":\"c\",\"choices\":[{\"message\":{\"content\":\"\(String(repeating: piece, count: chunks))\"}}],\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":1000}}"
                .utf8)
        func time(_ label: String, _ body: () -> Void) {
            let started = ContinuousClock.now
            for _ in 0..<calls { body() }
            let perCall = started.duration(to: .now) / calls
            print("streaming overhead: \(label): \(micros(perCall)) µs per call (\(chunks) chunks)")
        }
        // Bytes arrive in network-sized pieces, not whole.
        let openAIBytes = Array(openAI.utf8)
        let anthropicBytes = Array(anthropic.utf8)
        for (label, bytes, dialect) in [
            ("OpenAI SSE", openAIBytes, StreamedAnswer.Dialect.openAI),
            ("Anthropic SSE", anthropicBytes, .anthropic),
        ] {
            time(label) {
                var parser = ServerSentEvents()
                var answer = StreamedAnswer(dialect: dialect)
                var offset = 0
                while offset < bytes.count {
                    let end = min(bytes.count, offset + 1_400)
                    for event in (try? parser.feed(bytes[offset..<end])) ?? [] { try? answer.apply(event) }
                    offset = end
                }
                precondition(answer.finished && answer.tokens.output == 1000)
            }
        }
        time("one JSON body (no streaming)") {
            _ = try? JSONSerialization.jsonObject(with: whole)
        }
    }

    private static func request(content: String, job: JobID?, model: String = "simulated:sim-1")
        -> ModelRequest
    {
        ModelRequest(
            jobID: job, stage: .plan, role: "bench", model: model,
            messages: [.init(.system, "You are careful."), .init(.user, content)], maxOutputTokens: 100)
    }

    private static func micros(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1_000_000
            + Int(duration.components.attoseconds / 1_000_000_000_000)
    }
}

/// A provider that answers at once and records when (on the gateway's clock) and how many
/// tokens each call used. Input is what the estimator predicts; output varies below the
/// request's maximum, so the gateway reserves more than is used and the tokens-per-minute
/// correction (estimate first, real usage after) is exercised.
private final class DeliveryRecorder: ModelProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(at: ContinuousClock.Instant, tokens: Int)] = []
    private let clock: ManualGatewayClock

    init(clock: ManualGatewayClock) { self.clock = clock }

    var deliveries: [(at: ContinuousClock.Instant, tokens: Int)] {
        lock.withLock { recorded.sorted { $0.at < $1.at } }
    }

    func send(_ call: ProviderCall) async throws(ProviderError) -> ProviderReply {
        let input = TokenEstimator().estimate(messages: call.request.messages.map(\.content))
        let output = 40 + Int(call.request.messages.last?.content.utf8.count ?? 0) % 60
        let tokens = TokenCounts(input: input, output: min(output, call.request.maxOutputTokens))
        lock.withLock { recorded.append((clock.now, tokens.total)) }
        return ProviderReply(text: "ok", tokens: tokens)
    }
}
