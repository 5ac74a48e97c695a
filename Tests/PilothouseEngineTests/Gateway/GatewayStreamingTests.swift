import Foundation
import PilothouseCore
import Synchronization
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Streamed answers over real HTTP: OpenAI's and Anthropic's documented event sequences, byte
/// for byte, replayed by a local server; cuts, stalls and error events mid-stream.
@Suite("Gateway streaming", .serialized)
struct GatewayStreamingTests {
    let directory = TemporaryDirectory()

    /// OpenAI's chat completion chunk sequence with `stream_options: {"include_usage": true}`.
    static let openAIEvents = [
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[],\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":2,\"total_tokens\":122,\"prompt_tokens_details\":{\"cached_tokens\":64}}}\n\n",
        "data: [DONE]\n\n",
    ]

    /// Anthropic's Messages event sequence, as in its streaming documentation.
    static let anthropicEvents = [
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-20250514\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":10,\"cache_read_input_tokens\":40,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: ping\ndata: {\"type\": \"ping\"}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"!\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    ]

    static func config(_ server: ScriptedHTTPServer, idleSeconds: Int = 60) -> PilothouseConfig {
        var config = GatewayFixture.config(server: server)
        config.gateway.gateway.streamIdleSeconds = idleSeconds
        return config
    }

    @Test func openAIStreamGivesTheWholeAnswerAndUsage() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(.events(Self.openAIEvents, headers: [("x-request-id", "req_s1")]))
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let gateway = try GatewayFixture.gateway(Self.config(server), store: store)
        let response = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(response.text == "Hello world")
        #expect(response.requestID == "req_s1")
        #expect(response.tokens == TokenCounts(input: 120, output: 2, cachedInput: 64))
        let sent = try #require(server.received.first)
        #expect(sent.json["stream"] as? Bool == true)
        #expect((sent.json["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect(sent.headers["accept"] == "text/event-stream")
        #expect(
            try store.ledgerEntries().first?.tokens == TokenCounts(input: 120, output: 2, cachedInput: 64))
    }

    @Test func anthropicStreamGivesTheWholeAnswerAndCacheUsage() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(.events(Self.anthropicEvents, headers: [("request-id", "req_a1")]))
        let gateway = try GatewayFixture.gateway(Self.config(server))
        let response = try await gateway.complete(
            GatewayFixture.request(model: "anthropic:claude-sonnet-4-20250514"))
        #expect(response.text == "Hello!")
        #expect(response.requestID == "req_a1")
        #expect(response.tokens == TokenCounts(input: 75, output: 15, cachedInput: 40))
        let sent = try #require(server.received.first)
        #expect(sent.json["stream"] as? Bool == true)
        // The stable system prompt is marked for the prompt cache.
        let system = try #require(sent.json["system"] as? [[String: Any]])
        #expect(system.first?["text"] as? String == "You are careful.")
        #expect((system.first?["cache_control"] as? [String: Any])?["type"] as? String == "ephemeral")
    }

    /// A stream cut in the middle is retried; its partial text never becomes the answer.
    @Test func aCutStreamIsRetriedAndItsPartialAnswerNeverUsed() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            .events(Array(Self.openAIEvents.prefix(2)), cut: true), .events(Self.openAIEvents))
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let gateway = try GatewayFixture.gateway(Self.config(server), store: store)
        let response = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(response.text == "Hello world")
        #expect(server.received.count == 2)
        let outcomes = try store.ledgerEntries().map(\.outcome)
        #expect(outcomes == ["network", "ok"])
        #expect(try store.ledgerEntries().first?.detail?.contains("partial answer was discarded") == true)
    }

    /// No byte for the idle time is a timeout even though the call's deadline is minutes away.
    @Test func aStalledStreamTimesOutAndIsRetried() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        var stalled = Self.openAIEvents.map { (bytes: $0, delay: Duration.zero) }
        stalled[2].delay = .seconds(30)
        var reply = ScriptedHTTPServer.Reply.events([])
        reply.stream = stalled
        server.enqueue(reply, .events(Self.openAIEvents))
        let gateway = try GatewayFixture.gateway(Self.config(server, idleSeconds: 1))
        let started = ContinuousClock.now
        let response = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(response.text == "Hello world")
        #expect(server.received.count == 2)
        #expect(started.duration(to: .now) < .seconds(20))
    }

    @Test func anErrorEventMidStreamIsRetried() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        let overloaded =
            "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n"
        server.enqueue(
            .events(Array(Self.anthropicEvents.prefix(4)) + [overloaded]), .events(Self.anthropicEvents))
        let gateway = try GatewayFixture.gateway(Self.config(server))
        let response = try await gateway.complete(
            GatewayFixture.request(model: "anthropic:claude-sonnet-4-20250514"))
        #expect(response.text == "Hello!")
        #expect(server.received.count == 2)
    }

    /// Progress reaches the stage's observer while the answer streams in.
    @Test func progressIsReportedWhileStreaming() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(.events(Self.openAIEvents, every: .milliseconds(300)))
        let gateway = try GatewayFixture.gateway(Self.config(server))
        let observer = Recorder()
        let response = try await ModelCallObservation.$observer.withValue(observer) {
            try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        }
        #expect(response.text == "Hello world")
        let reports = observer.reports
        #expect(reports.contains { $0.tokens > 0 && $0.model == "openai:gpt-4o-mini" })
        #expect(reports.allSatisfy { $0.rate >= 0 })
    }

    final class Recorder: ModelCallObserver {
        private let seen = Mutex<[(model: String, tokens: Int, rate: Double)]>([])
        var reports: [(model: String, tokens: Int, rate: Double)] { seen.withLock { $0 } }
        func waiting(model: String, until: Date, reason: String) async {}
        func streaming(model: String, tokens: Int, tokensPerSecond: Double) async {
            seen.withLock { $0.append((model, tokens, tokensPerSecond)) }
        }
    }
}
