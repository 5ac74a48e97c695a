import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// A prompt too long for the model's window: the stage retries once with less context, then
/// quarantines as `context_too_large` with the provider's token figures. Real gateway, real
/// HTTP, real files in a real repository.
@Suite("Context too large", .serialized)
struct ContextTooLargeStageTests {
    static let tooLong = ScriptedHTTPServer.Reply.json(
        #"{"error":{"message":"This model's maximum context length is 8192 tokens. However, your messages resulted in 16384 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
        status: 400)

    func analyze(_ server: ScriptedHTTPServer) async throws -> (
        Result<StageOutput, StageFailure>, StageRecorder
    ) {
        let big = String(repeating: "func f() { return }\n", count: 400)
        let sandbox = try GitSandbox(files: ["a.swift": Array(big.utf8), "b.swift": Array(big.utf8)])
        let gateway = try GatewayFixture.gateway(GatewayFixture.config(server: server))
        let job = Job(title: "t", goal: "g", filesHint: ["a.swift", "b.swift"])
        let recorder = StageRecorder()
        var context = await makeContext(
            job: job, stage: .analyze, recorder: recorder, model: gateway, root: sandbox.root)
        context.spec.model = "openai:gpt-4o-mini"
        do throws(StageFailure) {
            return (.success(try await AnalyzeStage().run(context)), recorder)
        } catch {
            return (.failure(error), recorder)
        }
    }

    @Test func retriesOnceWithLessContextAndSaysSoInThePrompt() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(Self.tooLong, .json(GatewayFixture.openAIBody(text: "analysis")))
        let (result, recorder) = try await analyze(server)
        #expect(result == .success(.text("analysis")))
        let prompts = server.received.map {
            (($0.json["messages"] as? [[String: Any]])?.last?["content"] as? String) ?? ""
        }
        try #require(prompts.count == 2)
        #expect(prompts[1].utf8.count < prompts[0].utf8.count / 2)
        #expect(prompts[1].contains("did not fit this model's context window"))
        #expect(prompts[1].contains("b.swift"))
        let beads = await recorder.beads
        #expect(beads.contains { $0.0 == .contextReduced && $0.2["requested_tokens"] == "16384" })
    }

    @Test func quarantinesWithTheTokenFiguresWhenLessContextDoesNotFitEither() async throws {
        let server = try await ScriptedHTTPServer()
        defer { Task { await server.shutdown() } }
        server.enqueue(Self.tooLong, Self.tooLong, .json(GatewayFixture.openAIBody(text: "never")))
        let (result, _) = try await analyze(server)
        guard case .failure(.quarantine(let reason, let message, let payload)) = result else {
            Issue.record("expected a quarantine, got \(result)")
            return
        }
        #expect(reason == .contextTooLarge)
        #expect(message.contains("16384 prompt tokens for a window of 8192"))
        #expect(payload == "requested_tokens=16384 context_window=8192")
        #expect(server.received.count == 2)
    }
}
