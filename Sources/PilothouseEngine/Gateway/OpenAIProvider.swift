import Foundation
import PilothouseCore

/// OpenAI-compatible chat completions (`POST BASE/chat/completions`): OpenAI itself, and
/// Ollama, vLLM, llama.cpp, LiteLLM and others that copy its shape.
public struct OpenAIProvider: ModelProvider {
    public let name: String
    public let baseURL: String
    /// Read once at start-up; nil sends no Authorization header (local servers need none).
    let apiKey: String?
    let transport: HTTPTransport
    let streaming: StreamSettings?

    public init(name: String, baseURL: String, apiKey: String?, streaming: StreamSettings? = nil) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.transport = HTTPTransport()
        self.streaming = streaming
    }

    private struct Body: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        var model: String
        var messages: [Message]
        var max_tokens: Int
        var temperature: Double?
        var stream: Bool?
        var stream_options: StreamOptions?
        struct StreamOptions: Encodable { var include_usage: Bool }
    }

    private struct Answer: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message
        }
        struct Usage: Decodable {
            struct Details: Decodable { var cached_tokens: Int? }
            var prompt_tokens: Int?
            var completion_tokens: Int?
            var prompt_tokens_details: Details?
        }
        var id: String?
        var choices: [Choice]
        var usage: Usage?
    }

    public func send(_ call: ProviderCall) async throws(ProviderError) -> ProviderReply {
        let body = Body(
            model: call.model,
            messages: call.request.messages.map { Body.Message(role: $0.role.rawValue, content: $0.content) },
            max_tokens: call.request.maxOutputTokens, temperature: call.request.temperature,
            stream: streaming.map { _ in true },
            stream_options: streaming.map { _ in Body.StreamOptions(include_usage: true) })
        let data: Data
        do {
            data = try JSONEncoder().encode(body)
        } catch {
            throw .transport(.invalidRequest, message: "cannot encode the request: \(error)")
        }
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty { headers.append(("authorization", "Bearer \(apiKey)")) }
        let url = baseURL + "/chat/completions"
        let response: HTTPTransport.Response
        if let streaming {
            switch try await transport.stream(
                url: url, headers: headers, body: data, timeout: call.timeout, idle: streaming.idle,
                dialect: .openAI, progress: streaming.reporter(model: "\(name):\(call.model)"))
            {
            case .streamed(let answer, let headers):
                return StreamSettings.reply(answer, headers: headers, requestIDHeaders: ["x-request-id"])
            case .plain(let plain): response = plain
            }
        } else {
            response = try await transport.post(url: url, headers: headers, body: data, timeout: call.timeout)
        }
        let requestID = response.headers["x-request-id"]
        guard (200..<300).contains(response.status) else {
            throw HTTPTransport.failure(response, requestID: requestID)
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: response.body)
        } catch {
            throw .malformed(
                message: "not a chat completion: \(HTTPTransport.errorMessage(response.body))",
                requestID: requestID)
        }
        guard let text = answer.choices.first?.message.content else {
            throw .malformed(
                message: "the completion has no message content", requestID: requestID ?? answer.id)
        }
        let usage = answer.usage
        return ProviderReply(
            text: text, requestID: requestID ?? answer.id,
            tokens: TokenCounts(
                input: usage?.prompt_tokens ?? 0, output: usage?.completion_tokens ?? 0,
                cachedInput: usage?.prompt_tokens_details?.cached_tokens ?? 0),
            rateLimits: RateLimitSnapshot.parse(headers: response.headers, now: Date()))
    }
}
