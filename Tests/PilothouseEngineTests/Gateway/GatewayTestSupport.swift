import Foundation
import PilothouseCore

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Builders shared by the gateway suites.
enum GatewayFixture {
    static func request(
        model: String, role: String = "planner", content: String = "Improve the parser", jobID: JobID? = nil,
        stage: StageName? = .plan, priority: Priority = .p2, maxOutputTokens: Int = 200
    ) -> ModelRequest {
        ModelRequest(
            jobID: jobID, stage: stage, role: role, model: model,
            messages: [.init(.system, "You are careful."), .init(.user, content)],
            maxOutputTokens: maxOutputTokens,
            priority: priority)
    }

    /// Fast retries, so tests wait on Retry-After and cooldowns, not on default backoff.
    static func config(server: ScriptedHTTPServer? = nil) -> PilothouseConfig {
        var config = PilothouseConfig()
        config.gateway.gateway.backoffBaseMillis = 10
        config.gateway.gateway.backoffCapSeconds = 1
        config.gateway.gateway.maxAttempts = 3
        config.gateway.simulated.latencyP50Millis = 0
        config.gateway.simulated.latencyP99Millis = 0
        if let server {
            config.gateway.providers["openai"] = .init(
                kind: .openai, baseURL: server.baseURL + "/v1", apiKeyEnv: "PILOTHOUSE_TEST_OPENAI_KEY")
            config.gateway.providers["anthropic"] = .init(
                kind: .anthropic, baseURL: server.baseURL, apiKeyEnv: "PILOTHOUSE_TEST_ANTHROPIC_KEY")
        }
        return config
    }

    static let environment = [
        "PILOTHOUSE_TEST_OPENAI_KEY": "sk-test", "PILOTHOUSE_TEST_ANTHROPIC_KEY": "ak-test",
    ]

    static func gateway(_ config: PilothouseConfig, store: SQLiteStore? = nil, runID: String? = "run-test")
        throws
        -> Gateway
    {
        try GatewayFactory.make(config: config, store: store, runID: runID, environment: environment)
    }

    static func openAIBody(text: String = "hello", prompt: Int = 100, completion: Int = 20, cached: Int = 0)
        -> String
    {
        let content = String(data: try! JSONSerialization.data(withJSONObject: [text]), encoding: .utf8)!
            .dropFirst().dropLast()
        return """
            {"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":\(content)},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":\(prompt),"completion_tokens":\(completion),"total_tokens":\(prompt + completion),"prompt_tokens_details":{"cached_tokens":\(cached)}}}
            """
    }

    static func anthropicBody(
        text: String = "hi", input: Int = 50, output: Int = 10, cacheRead: Int = 0, cacheWrite: Int = 0
    )
        -> String
    {
        """
        {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"\(text)"}],
         "usage":{"input_tokens":\(input),"output_tokens":\(output),"cache_read_input_tokens":\(cacheRead),"cache_creation_input_tokens":\(cacheWrite)}}
        """
    }

    /// Collects gateway events in the background for later inspection.
    final class EventLog: @unchecked Sendable {
        private let lock = NSLock()
        private var collected: [GatewayEvent] = []
        private var task: Task<Void, Never>?

        init(_ gateway: Gateway) {
            let stream = gateway.events
            task = Task { [weak self] in
                for await event in stream { self?.append(event) }
            }
        }

        private func append(_ event: GatewayEvent) { lock.withLock { collected.append(event) } }
        var events: [GatewayEvent] { lock.withLock { collected } }

        deinit { task?.cancel() }
    }
}
