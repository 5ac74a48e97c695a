import Foundation
import PilothouseCore

/// Anthropic Messages (`POST BASE/v1/messages`).
public struct AnthropicProvider: ModelProvider {
    public let name: String
    public let baseURL: String
    let apiKey: String?
    let version: String
    let transport: HTTPTransport
    let streaming: StreamSettings?

    public init(
        name: String, baseURL: String, apiKey: String?, version: String = "2023-06-01",
        streaming: StreamSettings? = nil
    ) {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.version = version
        self.transport = HTTPTransport()
        self.streaming = streaming
    }

    private struct Body: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        /// The system prompt as a block marked for Anthropic's prompt cache: stages put the
        /// stable part of a prompt first, so a swarm's repeated stages pay the cached rate.
        struct SystemBlock: Encodable {
            struct CacheControl: Encodable { var type = "ephemeral" }
            var type = "text"
            var text: String
            var cache_control = CacheControl()
        }
        var model: String
        var max_tokens: Int
        var system: [SystemBlock]?
        var messages: [Message]
        var temperature: Double?
        var stream: Bool?
    }

    private struct Answer: Decodable {
        struct Block: Decodable {
            var type: String
            var text: String?
        }
        struct Usage: Decodable {
            var input_tokens: Int?
            var output_tokens: Int?
            var cache_creation_input_tokens: Int?
            var cache_read_input_tokens: Int?
        }
        var id: String?
        var content: [Block]
        var usage: Usage?
    }

    public func send(_ call: ProviderCall) async throws(ProviderError) -> ProviderReply {
        // The Messages API takes system text as a separate field, not as a message.
        let system = call.request.messages.filter { $0.role == .system }.map(\.content)
        let body = Body(
            model: call.model, max_tokens: call.request.maxOutputTokens,
            system: system.isEmpty ? nil : [Body.SystemBlock(text: system.joined(separator: "\n\n"))],
            messages: call.request.messages.filter { $0.role != .system }.map {
                Body.Message(role: $0.role.rawValue, content: $0.content)
            },
            temperature: call.request.temperature, stream: streaming.map { _ in true })
        let data: Data
        do {
            data = try JSONEncoder().encode(body)
        } catch {
            throw .transport(.invalidRequest, message: "cannot encode the request: \(error)")
        }
        var headers: [(String, String)] = [("anthropic-version", version)]
        if let apiKey, !apiKey.isEmpty { headers.append(("x-api-key", apiKey)) }
        let url = baseURL + "/v1/messages"
        let response: HTTPTransport.Response
        if let streaming {
            switch try await transport.stream(
                url: url, headers: headers, body: data, timeout: call.timeout, idle: streaming.idle,
                dialect: .anthropic, progress: streaming.reporter(model: "\(name):\(call.model)"))
            {
            case .streamed(let answer, let headers):
                return StreamSettings.reply(
                    answer, headers: headers, requestIDHeaders: ["request-id", "x-request-id"])
            case .plain(let plain): response = plain
            }
        } else {
            response = try await transport.post(url: url, headers: headers, body: data, timeout: call.timeout)
        }
        let requestID = response.headers["request-id"] ?? response.headers["x-request-id"]
        guard (200..<300).contains(response.status) else {
            throw HTTPTransport.failure(response, requestID: requestID)
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: response.body)
        } catch {
            throw .malformed(
                message: "not a Messages response: \(HTTPTransport.errorMessage(response.body))",
                requestID: requestID)
        }
        let text = answer.content.compactMap { $0.type == "text" ? $0.text : nil }.joined()
        let usage = answer.usage
        // Anthropic's input_tokens excludes cache reads and writes; ours counts all input.
        let cacheRead = usage?.cache_read_input_tokens ?? 0
        let input = (usage?.input_tokens ?? 0) + cacheRead + (usage?.cache_creation_input_tokens ?? 0)
        return ProviderReply(
            text: text, requestID: requestID ?? answer.id,
            tokens: TokenCounts(input: input, output: usage?.output_tokens ?? 0, cachedInput: cacheRead),
            rateLimits: RateLimitSnapshot.parse(headers: response.headers, now: Date()))
    }
}
