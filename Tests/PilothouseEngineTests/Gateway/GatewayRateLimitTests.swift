import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// A refusal for rate or load is a wait, never a failure: against a real local HTTP server
/// answering with the header dialects real providers and LiteLLM use.
@Suite("Gateway rate-limit waits", .serialized)
struct GatewayRateLimitTests {
    let directory = TemporaryDirectory()

    static let litellm429 = ScriptedHTTPServer.Reply.json(
        #"{"error":{"message":"litellm.RateLimitError: No deployments available for selected model. Passed model=limited.","type":"throttling_error","param":null,"code":"429"}}"#,
        status: 429, headers: [("llm_provider-retry-after", "1")])

    /// No retries at all are allowed, yet two refusals in a row do not fail the call: the
    /// LiteLLM hint is honoured and neither wait spends an attempt.
    @Test func liteLLMRefusalsWaitWithoutSpendingRetries() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(Self.litellm429, Self.litellm429, .json(GatewayFixture.openAIBody(text: "served")))
        var config = GatewayFixture.config(server: server)
        config.gateway.gateway.maxAttempts = 1
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let gateway = try GatewayFixture.gateway(config, store: store)
        let log = GatewayFixture.EventLog(gateway)
        let response = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(response.text == "served")
        let times = server.received.map(\.at)
        try #require(times.count == 3)
        #expect(times[0].duration(to: times[1]) >= .milliseconds(950))
        #expect(times[1].duration(to: times[2]) >= .milliseconds(950))
        #expect(try store.ledgerEntries().map(\.outcome).sorted() == ["ok", "rateLimited", "rateLimited"])
        await eventually("two rate-limited events") {
            log.events.filter { if case .rateLimited = $0 { true } else { false } }.count == 2
        }
    }

    /// The hold is the model's, not the call's: a second job's call that arrives while the
    /// first one waits does not reach the provider before the resume time.
    @Test func aRefusalPausesTheModelForEveryJob() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(Self.litellm429)
        server.respond { _ in .json(GatewayFixture.openAIBody()) }
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        let log = GatewayFixture.EventLog(gateway)
        let first = Task {
            try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini", jobID: JobID()))
        }
        try #require(
            await eventually("a rate-limited event") {
                log.events.contains { if case .rateLimited = $0 { true } else { false } }
            })
        let refusedAt = try #require(server.received.first?.at)
        let gauge = try #require(await gateway.modelGauges().first { $0.model == "openai:gpt-4o-mini" })
        #expect(gauge.resumesInSeconds == 1)
        _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini", jobID: JobID()))
        _ = try await first.value
        let later = server.received.dropFirst().map(\.at)
        #expect(later.count == 2)
        #expect(later.allSatisfy { refusedAt.duration(to: $0) >= .milliseconds(950) })
    }

    /// Only a provider that keeps refusing past the wait limit fails the call, and says so.
    @Test func refusingPastTheWaitLimitFailsWithAMessageThatSaysSo() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.respond { _ in Self.litellm429 }
        var config = GatewayFixture.config(server: server)
        config.gateway.gateway.rateLimitWaitSeconds = 1
        let gateway = try GatewayFixture.gateway(config)
        await #expect {
            _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        } throws: { error in
            guard case .rateLimited(let model, let waited, let limit, _) = error as? ModelClientError else {
                return false
            }
            let text = (error as? ModelClientError)?.description ?? ""
            return model == "openai:gpt-4o-mini" && waited == 2 && limit == 1
                && text.contains("rate_limit_wait_seconds")
        }
        #expect(server.received.count == 2)
    }

    /// A 529 and a 503 with a hint wait; a 503 without one is an ordinary retried failure.
    @Test func overloadWaitsButAPlain503SpendsRetries() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        let overloaded = ScriptedHTTPServer.Reply.json(
            #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#, status: 529,
            headers: [("retry-after", "0")])
        let unavailable = ScriptedHTTPServer.Reply.json(
            #"{"error":{"message":"try later"}}"#, status: 503, headers: [("retry-after-ms", "50")])
        server.enqueue(overloaded, unavailable, overloaded, .json(GatewayFixture.anthropicBody(text: "ok")))
        var config = GatewayFixture.config(server: server)
        config.gateway.gateway.maxAttempts = 1
        let gateway = try GatewayFixture.gateway(config)
        let response = try await gateway.complete(GatewayFixture.request(model: "anthropic:claude-3-5-haiku"))
        #expect(response.text == "ok")

        server.enqueue(.json(#"{"error":{"message":"down"}}"#, status: 503))
        await #expect(throws: ModelClientError.self) {
            _ = try await gateway.complete(GatewayFixture.request(model: "anthropic:claude-3-5-haiku"))
        }
    }

    /// A 429 with no header of any dialect halves the model's rate (AIMD).
    @Test func aRefusalWithoutHintsHalvesTheRate() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        for _ in 0..<4 { server.enqueue(.json(GatewayFixture.openAIBody())) }
        server.enqueue(.json(#"{"error":{"message":"Too Many Requests"}}"#, status: 429))
        server.enqueue(.json(GatewayFixture.openAIBody()))
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        for _ in 0..<4 { _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini")) }
        #expect(await gateway.modelGauges().first?.requestsPerMinuteLimit == nil)
        let blocked = Task { try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini")) }
        // Five calls went out this minute; the refusal halves that to two per minute, so the
        // retry waits for the window instead of going out again at once.
        await eventually("the lane halved to 2 per minute") {
            await gateway.modelGauges().first?.requestsPerMinuteLimit == 2
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.received.count == 5)
        blocked.cancel()
    }

    /// The limit a provider announces becomes the lane's limit when none is configured.
    @Test func announcedLimitsFeedTheLane() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.respond { _ in
            .json(
                GatewayFixture.openAIBody(),
                headers: [("x-ratelimit-limit-requests", "2"), ("x-ratelimit-remaining-requests", "1")])
        }
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(await gateway.modelGauges().first?.requestsPerMinuteLimit == 2)
        let third = Task { try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini")) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.received.count == 2)
        third.cancel()
    }

    /// 401 opens the circuit at once and names the key variable; the next call does not reach
    /// the provider at all.
    @Test func authenticationErrorOpensTheCircuitAndNamesTheVariable() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.respond { _ in .json(#"{"error":{"message":"Incorrect API key provided"}}"#, status: 401) }
        var config = GatewayFixture.config(server: server)
        config.gateway.gateway.circuitWaitSeconds = 0
        let gateway = try GatewayFixture.gateway(config)
        await #expect {
            _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        } throws: { error in
            guard case .permanent(_, let message) = error as? ModelClientError else { return false }
            return message.contains("$PILOTHOUSE_TEST_OPENAI_KEY") && message.contains("[providers.openai]")
                && message.contains("Incorrect API key provided")
        }
        #expect(await gateway.modelGauges().first { $0.model == "openai:gpt-4o-mini" }?.circuit == .open)
        await #expect(throws: ModelClientError.circuitOpen(model: "openai:gpt-4o-mini")) {
            _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        }
        #expect(server.received.count == 1)
    }

    @Test func contextTooLargeCarriesTheTokenFigures() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            .json(
                #"{"error":{"message":"This model's maximum context length is 8192 tokens. However, your messages resulted in 9120 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
                status: 400))
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        await #expect {
            _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        } throws: { error in
            guard case .contextTooLarge(_, let overflow, _) = error as? ModelClientError else { return false }
            return overflow == ContextOverflow(limit: 8192, requested: 9120)
        }
        #expect(server.received.count == 1)
    }

    @Test func aModelThatDoesNotExistSaysSo() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            .json(
                #"{"error":{"message":"/chat/completions: Invalid model name passed in model=nosuch. Call `/v1/models` to view available models for your key.","type":"invalid_request_error","code":"400"}}"#,
                status: 400))
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        await #expect {
            _ = try await gateway.complete(GatewayFixture.request(model: "openai:nosuch"))
        } throws: { error in
            guard case .permanent(_, let message) = error as? ModelClientError else { return false }
            return message.contains("does not exist") && message.contains("model=nosuch")
        }
    }
}
