import AsyncHTTPClient
import Foundation
import NIOCore
import PilothouseCore
import Synchronization

/// The one place that speaks HTTP for the API providers: POST a JSON body, collect the
/// answer, and turn every way that can go wrong into a `ProviderError` the gateway can
/// classify.
struct HTTPTransport: Sendable {
    /// Responses bigger than this are not model answers; refusing them bounds memory.
    static let maxBodyBytes = 16 * 1024 * 1024

    let client: HTTPClient

    init(client: HTTPClient = .shared) { self.client = client }

    struct Response: Sendable {
        var status: Int
        /// Lower-cased names; a repeated header keeps its last value.
        var headers: [String: String]
        var body: Data
    }

    func post(url: String, headers: [(String, String)], body: Data, timeout: Duration)
        async throws(ProviderError)
        -> Response
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let seconds = max(1, timeout.components.seconds)
        do {
            let response = try await client.execute(request, timeout: .seconds(seconds))
            var collected = try await response.body.collect(upTo: Self.maxBodyBytes)
            let bytes = collected.readBytes(length: collected.readableBytes) ?? []
            var lowered: [String: String] = [:]
            for header in response.headers { lowered[header.name.lowercased()] = header.value }
            return Response(status: Int(response.status.code), headers: lowered, body: Data(bytes))
        } catch {
            throw Self.map(error)
        }
    }

    /// What a streaming POST gave: the streamed answer, or a plain response (an error status,
    /// or a server that answered with JSON although asked to stream, as LiteLLM's mock does).
    enum StreamOutcome: Sendable {
        case streamed(StreamedAnswer, headers: [String: String])
        case plain(Response)
    }

    /// No byte for `idle`: the stream stalled, however far the call's deadline is.
    struct StreamStalled: Error {}

    /// When the last byte of a stream arrived, shared by its reader and its idle watch.
    final class LastByte: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        func touch() { instant.withLock { $0 = .now } }
        var silence: Duration { instant.withLock { $0 }.duration(to: .now) }
    }

    /// POSTs with `stream: true` already in `body` and reads the answer as server-sent events.
    /// `progress` hears the answer as it grows. The answer is returned only when the stream
    /// said it was done; a stream that ends early, stalls or sends an error event throws, so a
    /// partial answer can never be used.
    func stream(
        url: String, headers: [(String, String)], body: Data, timeout: Duration, idle: Duration,
        dialect: StreamedAnswer.Dialect, progress: @escaping @Sendable (StreamedAnswer) async -> Void
    ) async throws(ProviderError) -> StreamOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "text/event-stream")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let seconds = max(1, timeout.components.seconds)
        var answerBegun = false
        do {
            let response = try await client.execute(request, timeout: .seconds(seconds))
            var lowered: [String: String] = [:]
            for header in response.headers { lowered[header.name.lowercased()] = header.value }
            let status = Int(response.status.code)
            guard (200..<300).contains(status), lowered["content-type"]?.contains("text/event-stream") == true
            else {
                var collected = try await response.body.collect(upTo: Self.maxBodyBytes)
                let bytes = collected.readBytes(length: collected.readableBytes) ?? []
                return .plain(Response(status: status, headers: lowered, body: Data(bytes)))
            }
            answerBegun = true
            let lastByte = LastByte()
            let body = response.body
            let answer = try await withThrowingTaskGroup(of: StreamedAnswer?.self) { group in
                group.addTask {
                    var parser = ServerSentEvents()
                    var answer = StreamedAnswer(dialect: dialect)
                    var received = 0
                    for try await buffer in body {
                        lastByte.touch()
                        received += buffer.readableBytes
                        // Bounds memory as `collect(upTo:)` does for plain answers.
                        guard received <= Self.maxBodyBytes else {
                            throw ProviderError.transport(
                                .serverError,
                                message: "streamed answer larger than \(Self.maxBodyBytes) bytes")
                        }
                        for event in try parser.feed(buffer.readableBytesView) {
                            try answer.apply(event)
                            if answer.finished { return answer }
                        }
                        await progress(answer)
                    }
                    return answer
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: min(idle, .seconds(1)))
                        if lastByte.silence >= idle { throw StreamStalled() }
                    }
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
            guard let answer, answer.finished else {
                throw ProviderError.transport(
                    .network,
                    message: "the stream ended before the model finished; the partial answer was discarded")
            }
            return .streamed(answer, headers: lowered)
        } catch let error as ProviderError {
            throw error
        } catch is StreamStalled {
            throw .transport(
                .timeout,
                message: "the stream stalled: no bytes for \(idle); the partial answer was discarded")
        } catch let error as ServerSentEvents.Failure {
            throw .transport(.serverError, message: "unreadable stream (\(error))")
        } catch let error as StreamedAnswer.Failure {
            switch error {
            case .serverError(let message):
                throw .transport(
                    message.lowercased().contains("overloaded") ? .overloaded : .serverError,
                    message: "error event mid-stream: \(message)")
            case .malformed(let chunk):
                throw .malformed(message: "not a stream chunk: \(chunk)", requestID: nil)
            }
        } catch {
            // Once the answer has begun, any break loses the rest of it.
            guard answerBegun, case .transport(let failure, let message) = Self.map(error),
                failure != .cancelled
            else {
                throw Self.map(error)
            }
            throw .transport(failure, message: "\(message); the partial answer was discarded")
        }
    }

    static func map(_ error: any Error) -> ProviderError {
        if error is CancellationError { return .transport(.cancelled, message: "cancelled") }
        if let client = error as? HTTPClientError {
            switch client {
            case .cancelled, .requestStreamCancelled:
                return .transport(.cancelled, message: "cancelled")
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return .transport(.timeout, message: "timed out (\(client))")
            case .invalidURL, .emptyHost, .emptyScheme:
                return .transport(.invalidRequest, message: "bad base_url (\(client))")
            case .bodyLengthMismatch, .remoteConnectionClosed:
                return .transport(.network, message: "connection closed mid-response (\(client))")
            default:
                return .transport(.network, message: String(describing: client))
            }
        }
        if let body = error as? NIOTooManyBytesError {
            return .transport(.serverError, message: "response larger than \(maxBodyBytes) bytes (\(body))")
        }
        return .transport(FailureClassifier.classify(error: error), message: String(describing: error))
    }

    /// The `message` of a JSON error body (`{"error":{"message":…}}`, both APIs), else the
    /// first bytes of the body, so errors show the server's own words.
    static func errorMessage(_ body: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                return message
            }
            if let message = object["message"] as? String { return message }
            if let error = object["error"] as? String { return error }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return text.isEmpty ? "(empty body)" : text
    }

    /// A failed status as a `ProviderError`, with Retry-After and rate-limit headers.
    static func failure(_ response: Response, requestID: String?) -> ProviderError {
        let text = String(decoding: response.body.prefix(4096), as: UTF8.self)
        let now = Date()
        return .http(
            status: response.status, failure: FailureClassifier.classify(status: response.status, body: text),
            message: errorMessage(response.body),
            retryAfter: RetryAfterParser.retryAfter(headers: response.headers, now: now),
            rateLimits: RateLimitSnapshot.parse(headers: response.headers, now: now), requestID: requestID)
    }
}
