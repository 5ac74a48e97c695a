import Foundation

/// Builds a model's answer from streamed events, for both APIs, and knows whether the stream
/// ended properly: an answer is only ever taken from a stream that said it was done, so a
/// stream cut in the middle is a retryable failure and its partial text is never used.
///
/// - OpenAI chat completions (`stream: true`, `stream_options.include_usage`): `data:` chunks
///   with `choices[0].delta.content`, a last chunk with `usage` and empty `choices`, then
///   `data: [DONE]`.
/// - Anthropic Messages: `message_start` (input and cache usage), `content_block_delta` with
///   `text_delta`s, `message_delta` (output usage), `message_stop`; `ping` and `error` events.
public struct StreamedAnswer: Sendable {
    public enum Dialect: Sendable { case openAI, anthropic }

    public enum Failure: Error, Sendable, Hashable {
        /// The server sent an error event mid-stream (Anthropic `error`, an OpenAI `error` chunk).
        case serverError(String)
        /// A chunk that is not the API's JSON.
        case malformed(String)
    }

    public let dialect: Dialect
    public private(set) var text = ""
    public private(set) var finished = false
    public private(set) var requestID: String?
    /// Usage as the final events reported it (zero until they arrive).
    public private(set) var tokens = TokenCounts()
    /// Text chunks received, a stand-in for output tokens until usage arrives.
    public private(set) var chunks = 0

    public init(dialect: Dialect) { self.dialect = dialect }

    /// Output tokens so far: the reported figure once known, else the estimate from the text.
    public var outputTokensSoFar: Int {
        tokens.output > 0 ? tokens.output : TokenEstimator().estimate(text)
    }

    public mutating func apply(_ event: ServerSentEvents.Event) throws(Failure) {
        switch dialect {
        case .openAI: try applyOpenAI(event)
        case .anthropic: try applyAnthropic(event)
        }
    }

    private static func object(_ data: String) throws(Failure) -> [String: Any] {
        guard let json = try? JSONSerialization.jsonObject(with: Data(data.utf8)),
            let object = json as? [String: Any]
        else { throw .malformed(String(data.prefix(200))) }
        return object
    }

    private static func int(_ value: Any?) -> Int { (value as? NSNumber)?.intValue ?? 0 }

    private static func errorMessage(_ object: [String: Any]) -> String? {
        guard let error = object["error"] else { return nil }
        if let error = error as? [String: Any] { return error["message"] as? String ?? "\(error)" }
        return "\(error)"
    }

    private mutating func applyOpenAI(_ event: ServerSentEvents.Event) throws(Failure) {
        if event.data == "[DONE]" {
            finished = true
            return
        }
        let object = try Self.object(event.data)
        if let message = Self.errorMessage(object) { throw .serverError(message) }
        if requestID == nil { requestID = object["id"] as? String }
        if let choices = object["choices"] as? [[String: Any]], let first = choices.first,
            let delta = first["delta"] as? [String: Any], let content = delta["content"] as? String,
            !content.isEmpty
        {
            text += content
            chunks += 1
        }
        if let usage = object["usage"] as? [String: Any] {
            let details = usage["prompt_tokens_details"] as? [String: Any]
            tokens = TokenCounts(
                input: Self.int(usage["prompt_tokens"]), output: Self.int(usage["completion_tokens"]),
                cachedInput: Self.int(details?["cached_tokens"]))
        }
    }

    private mutating func applyAnthropic(_ event: ServerSentEvents.Event) throws(Failure) {
        switch event.name {
        case "ping": return
        case "message_stop":
            finished = true
            return
        default: break
        }
        let object = try Self.object(event.data)
        switch event.name {
        case "error":
            throw .serverError(Self.errorMessage(object) ?? event.data)
        case "message_start":
            let message = object["message"] as? [String: Any]
            requestID = message?["id"] as? String
            let usage = message?["usage"] as? [String: Any] ?? [:]
            // Anthropic's input_tokens excludes cache reads and writes; ours counts all input.
            let cacheRead = Self.int(usage["cache_read_input_tokens"])
            let input =
                Self.int(usage["input_tokens"]) + cacheRead + Self.int(usage["cache_creation_input_tokens"])
            tokens = TokenCounts(
                input: input, output: Self.int(usage["output_tokens"]), cachedInput: cacheRead)
        case "content_block_delta":
            if let delta = object["delta"] as? [String: Any], delta["type"] as? String == "text_delta",
                let piece = delta["text"] as? String
            {
                text += piece
                chunks += 1
            }
        case "message_delta":
            if let usage = object["usage"] as? [String: Any], let output = usage["output_tokens"] {
                tokens.output = Self.int(output)
            }
        default:
            break
        }
    }
}
