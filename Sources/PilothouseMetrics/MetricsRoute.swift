/// What the metrics server answers to one request: `GET /metrics` gets the exposition,
/// anything else a 404. A pure function of the request line, so it is tested without sockets.
struct MetricsRoute: Sendable, Equatable {
    /// The media type Prometheus asks for by default (text exposition format 0.0.4).
    static let expositionContentType = "text/plain; version=0.0.4; charset=utf-8"

    enum Answer: Sendable, Equatable {
        case exposition
        case notFound
    }

    /// `GET /metrics`, with or without a query string (Prometheus adds none, curl users might).
    static func answer(method: String, uri: String) -> Answer {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return method == "GET" && path == "/metrics" ? .exposition : .notFound
    }
}
