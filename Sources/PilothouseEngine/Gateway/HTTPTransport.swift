import AsyncHTTPClient
import Foundation
import NIOCore
import PilothouseCore

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
