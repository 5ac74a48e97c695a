import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Providers over real HTTP against a scripted local server.
@Suite("Gateway HTTP providers", .serialized)
struct GatewayHTTPProviderTests {
    let directory = TemporaryDirectory()

    @Test func openAISuccessParsesUsageCachedTokensAndRequestID() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            .json(
                GatewayFixture.openAIBody(text: "plan: fix it", prompt: 100, completion: 20, cached: 40),
                headers: [("x-request-id", "req_abc")]))
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server), store: store)
        let response = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(response.text == "plan: fix it")
        #expect(response.requestID == "req_abc")
        #expect(response.tokens == TokenCounts(input: 100, output: 20, cachedInput: 40))
        // 60 × $0.15 + 40 × $0.075 + 20 × $0.60 per million = 24 micro-dollars.
        #expect(response.cost == Money(micros: 24))
        let received = try #require(server.received.first)
        #expect(received.path == "/v1/chat/completions")
        #expect(received.headers["authorization"] == "Bearer sk-test")
        #expect(received.model == "gpt-4o-mini")
        #expect(received.json["max_tokens"] as? Int == 200)
        let ledger = try store.ledgerEntries()
        #expect(ledger.count == 1)
        #expect(ledger.first?.requestID == "req_abc")
        #expect(ledger.first?.outcome == "ok")
        #expect(ledger.first?.cost == Money(micros: 24))
    }

    @Test func anthropicSuccessParsesUsageWithCacheTokens() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            .json(
                GatewayFixture.anthropicBody(
                    text: "analysis", input: 50, output: 10, cacheRead: 30, cacheWrite: 5),
                headers: [("request-id", "req_ant")]))
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        let response = try await gateway.complete(
            GatewayFixture.request(model: "anthropic:claude-sonnet-4-20250514"))
        #expect(response.text == "analysis")
        #expect(response.requestID == "req_ant")
        #expect(response.tokens == TokenCounts(input: 85, output: 10, cachedInput: 30))
        let received = try #require(server.received.first)
        #expect(received.path == "/v1/messages")
        #expect(received.headers["x-api-key"] == "ak-test")
        #expect(received.headers["anthropic-version"] == "2023-06-01")
        // The system prompt is one block marked for Anthropic's prompt cache.
        let system = try #require(received.json["system"] as? [[String: Any]])
        #expect(system.count == 1 && system.first?["text"] as? String == "You are careful.")
        #expect((system.first?["cache_control"] as? [String: Any])?["type"] as? String == "ephemeral")
        #expect((received.json["messages"] as? [[String: Any]])?.count == 1)
    }

    @Test func tooManyRequestsWaitsForRetryAfter() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            .json(
                #"{"error":{"message":"slow down","type":"rate_limit"}}"#, status: 429,
                headers: [("retry-after", "1")]),
            .json(GatewayFixture.openAIBody()))
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        let response = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(response.text == "hello")
        let times = server.received.map(\.at)
        try #require(times.count == 2)
        #expect(times[0].duration(to: times[1]) >= .milliseconds(950))
    }

    @Test func serverErrorIsRetriedThenSucceeds() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            .json(#"{"error":{"message":"boom"}}"#, status: 500), .json(GatewayFixture.openAIBody()))
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server), store: store)
        _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(server.received.count == 2)
        #expect(try store.ledgerEntries().map(\.outcome) == ["serverError", "ok"])
    }

    @Test func unauthorizedIsPermanentAndNotRetried() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(.json(#"{"error":{"message":"bad key"}}"#, status: 401))
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        await #expect {
            _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        } throws: { error in
            guard case .permanent(let model, let message) = error as? ModelClientError else { return false }
            return model == "openai:gpt-4o-mini" && message.contains("bad key")
                && message.contains("api_key_env")
        }
        #expect(server.received.count == 1)
    }

    @Test func malformedJSONIsRetriedAndReported() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.respond { _ in .json("{not json") }
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        await #expect {
            _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        } throws: { error in
            guard case .exhausted(_, let attempts, let last) = error as? ModelClientError else {
                return false
            }
            return attempts == 3 && last.contains("malformed")
        }
        #expect(server.received.count == 3)
    }

    @Test func truncatedBodyIsATransientFailure() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            ScriptedHTTPServer.Reply(status: 200, body: GatewayFixture.openAIBody(), truncate: true),
            .json(GatewayFixture.openAIBody(text: "whole")))
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        let response = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(response.text == "whole")
        #expect(server.received.count == 2)
    }

    @Test func rateLimitHeadersHoldTheNextCall() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            .json(
                GatewayFixture.openAIBody(),
                headers: [("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "1s")]),
            .json(GatewayFixture.openAIBody()))
        var config = GatewayFixture.config(server: server)
        var model = GatewayConfig.Model()
        model.requestsPerMinute = 1000
        config.gateway.models["openai:gpt-4o-mini"] = model
        let gateway = try GatewayFixture.gateway(config)
        _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini", content: "second"))
        let times = server.received.map(\.at)
        try #require(times.count == 2)
        #expect(times[0].duration(to: times[1]) >= .milliseconds(900))
    }

    @Test func fallbackServesWhenThePrimaryFailsAndTheLedgerSaysSo() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.respond { request in
            request.model == "gpt-4o"
                ? .json(#"{"error":{"message":"down"}}"#, status: 503)
                : .json(GatewayFixture.openAIBody(text: "from fallback"))
        }
        var config = GatewayFixture.config(server: server)
        var primary = GatewayConfig.Model()
        primary.fallbacks = ["openai:gpt-4o-mini"]
        config.gateway.models["openai:gpt-4o"] = primary
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let gateway = try GatewayFixture.gateway(config, store: store)
        let log = GatewayFixture.EventLog(gateway)
        let response = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o"))
        #expect(response.text == "from fallback")
        #expect(response.model == "openai:gpt-4o-mini")
        let ledger = try store.ledgerEntries()
        #expect(ledger.map(\.model) == ["gpt-4o", "gpt-4o", "gpt-4o", "gpt-4o-mini"])
        #expect(ledger.allSatisfy { $0.requestedModel == "openai:gpt-4o" })
        #expect(ledger.last?.outcome == "ok")
        await eventually("a fellBack event from gpt-4o to gpt-4o-mini") {
            log.events.contains { event in
                guard case .fellBack(let from, let to, _) = event else { return false }
                return from == "openai:gpt-4o" && to == "openai:gpt-4o-mini"
            }
        }
    }

    @Test func circuitOpensAfterFailuresThenAProbeClosesIt() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(
            .json(#"{"error":{"message":"boom"}}"#, status: 500),
            .json(#"{"error":{"message":"boom"}}"#, status: 500),
            .json(GatewayFixture.openAIBody(text: "recovered")))
        var config = GatewayFixture.config(server: server)
        config.gateway.gateway.maxAttempts = 1
        config.gateway.gateway.breakerFailures = 2
        config.gateway.gateway.breakerCooldownSeconds = 1
        config.gateway.gateway.circuitWaitSeconds = 10
        let gateway = try GatewayFixture.gateway(config)
        let log = GatewayFixture.EventLog(gateway)
        await #expect(throws: ModelClientError.self) {
            _ = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        }
        // The second failure opens the circuit; the call then waits out the cooldown instead
        // of failing, and its probe closes the circuit again.
        let started = ContinuousClock.now
        let response = try await gateway.complete(GatewayFixture.request(model: "openai:gpt-4o-mini"))
        #expect(response.text == "recovered")
        #expect(started.duration(to: .now) >= .milliseconds(500))
        #expect(server.received.count == 3)
        let transitions = {
            log.events.compactMap { event -> String? in
                guard case .circuitChanged(_, let from, let to) = event else { return nil }
                return "\(from.rawValue)>\(to.rawValue)"
            }
        }
        await eventually("three circuit transitions") { transitions().count >= 3 }
        #expect(transitions() == ["closed>open", "open>halfOpen", "halfOpen>closed"])
    }
}
