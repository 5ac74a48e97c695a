import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP/1 endpoint a Prometheus server scrapes: `GET /metrics` answers with what
/// `exposition` renders at that moment, anything else with 404.
///
/// It runs on NIO's shared event loops, apart from the engine: a slow scraper never holds up a
/// stage, and a connection idle for 30 seconds is closed, so forgotten clients do not pile up.
public final class MetricsServer: Sendable {
    /// The address bound, with the port the system chose when asked for port 0.
    public let address: MetricsAddress
    private let listener: any Channel
    private let serving: Task<Void, Never>

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private init(address: MetricsAddress, listener: any Channel, serving: Task<Void, Never>) {
        self.address = address
        self.listener = listener
        self.serving = serving
    }

    /// Binds `address` and starts answering; throws at once when the address cannot be had.
    public static func start(
        on address: MetricsAddress, exposition: @escaping @Sendable () async throws -> [UInt8]
    ) async throws(MetricsServerError) -> MetricsServer {
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            IdleStateHandler(readTimeout: .seconds(30)), IdleConnectionCloser())
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw .addressInUse(address)
        } catch {
            throw .cannotListen(address, reason: "\(error)")
        }
        let bound = MetricsAddress(
            host: address.host, port: server.channel.localAddress?.port ?? address.port)
        let serving = Task {
            do {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            group.addTask { await serve(connection, exposition: exposition) }
                        }
                    }
                }
            } catch {
                // The listener closed (stop) or was cancelled: nothing is left to serve.
            }
        }
        return MetricsServer(address: bound, listener: server.channel, serving: serving)
    }

    /// Closes the listener and every open connection.
    public func stop() async {
        serving.cancel()
        try? await listener.close()
        await serving.value
    }

    private static func serve(
        _ connection: Connection, exposition: @Sendable () async throws -> [UInt8]
    ) async {
        do {
            try await connection.executeThenClose { requests, responses in
                var head: HTTPRequestHead?
                for try await part in requests {
                    switch part {
                    case .head(let request): head = request
                    case .body: continue
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        try await respond(to: request, exposition: exposition, with: responses)
                        if !request.isKeepAlive { return }
                    }
                }
            }
        } catch {
            // A client that hung up mid-answer or went idle: the next scrape starts afresh.
        }
    }

    private static func respond(
        to request: HTTPRequestHead, exposition: @Sendable () async throws -> [UInt8],
        with responses: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        let status: HTTPResponseStatus
        let contentType: String
        let body: [UInt8]
        switch MetricsRoute.answer(method: request.method.rawValue, uri: request.uri) {
        case .exposition:
            do {
                body = try await exposition()
                status = .ok
                contentType = MetricsRoute.expositionContentType
            } catch {
                // The scraper records the failed scrape (`up` = 0) and shows this text.
                body = Array("cannot read the metrics: \(error)\n".utf8)
                status = .internalServerError
                contentType = "text/plain; charset=utf-8"
            }
        case .notFound:
            body = Array("not found: the metrics are at /metrics\n".utf8)
            status = .notFound
            contentType = "text/plain; charset=utf-8"
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
        try await responses.write(
            .head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
        try await responses.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        try await responses.write(.end(nil))
    }
}

/// Closes a connection that sent nothing for the idle handler's read timeout.
private final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
