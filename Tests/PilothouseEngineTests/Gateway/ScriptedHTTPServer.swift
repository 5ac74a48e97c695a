import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on 127.0.0.1 (ephemeral port) that answers with scripted replies,
/// so provider code is exercised over actual sockets, headers and bodies.
final class ScriptedHTTPServer: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: String
        var delay: Duration = .zero
        /// Announce more bytes than are sent, then close: a truncated body.
        var truncate = false
        /// Server-sent events: each piece written after its delay (from the previous piece),
        /// chunked, as `text/event-stream`; `body` is ignored.
        var stream: [(bytes: String, delay: Duration)]?
        /// With `stream`: close the connection after the last piece instead of ending the body.
        var cutStream = false

        static func events(
            _ pieces: [String], every delay: Duration = .zero, headers: [(String, String)] = [],
            cut: Bool = false
        ) -> Reply {
            Reply(status: 200, headers: headers, body: "", stream: pieces.map { ($0, delay) }, cutStream: cut)
        }

        static func json(_ body: String, status: Int = 200, headers: [(String, String)] = []) -> Reply {
            Reply(status: status, headers: headers, body: body)
        }
    }

    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: Data
        var at: ContinuousClock.Instant

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
        var model: String { json["model"] as? String ?? "" }
    }

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var queue: [Reply] = []
        var received: [Received] = []
        var responder: (@Sendable (Received) -> Reply?)?
    }

    private let state = State()
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    let port: Int

    init() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let state = self.state
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.group = group
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func enqueue(_ replies: Reply...) {
        state.lock.withLock { state.queue.append(contentsOf: replies) }
    }

    /// Answers requests the queue does not cover (nil: fall through to a 500).
    func respond(with responder: @escaping @Sendable (Received) -> Reply?) {
        state.lock.withLock { state.responder = responder }
    }

    var received: [Received] { state.lock.withLock { state.received } }

    func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let state: State
        var head: HTTPRequestHead?
        var body = Data()

        init(state: State) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = Data()
            case .body(var buffer):
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for header in head.headers { headers[header.name.lowercased()] = header.value }
                let request = Received(path: head.uri, headers: headers, body: body, at: .now)
                let reply: Reply = state.lock.withLock {
                    state.received.append(request)
                    if !state.queue.isEmpty { return state.queue.removeFirst() }
                    return state.responder?(request)
                        ?? Reply(status: 500, body: "{\"error\":{\"message\":\"no scripted reply\"}}")
                }
                if reply.delay > .zero {
                    let (seconds, attoseconds) = reply.delay.components
                    let nanos = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
                    context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanos)) {
                        self.write(reply, context: context)
                    }
                } else {
                    write(reply, context: context)
                }
            }
        }

        private func writeStream(
            _ pieces: [(bytes: String, delay: Duration)], cut: Bool, context: ChannelHandlerContext
        ) {
            guard let (piece, delay) = pieces.first else {
                if cut {
                    context.flush()
                    context.close(promise: nil)
                } else {
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
                return
            }
            let send = {
                let buffer = context.channel.allocator.buffer(bytes: Array(piece.utf8))
                context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                self.writeStream(Array(pieces.dropFirst()), cut: cut, context: context)
            }
            if delay > .zero {
                let (seconds, attoseconds) = delay.components
                context.eventLoop.assumeIsolated().scheduleTask(
                    in: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
                ) { send() }
            } else {
                send()
            }
        }

        private func write(_ reply: Reply, context: ChannelHandlerContext) {
            if let pieces = reply.stream {
                var headers = HTTPHeaders()
                for (name, value) in reply.headers { headers.add(name: name, value: value) }
                headers.add(name: "content-type", value: "text/event-stream")
                headers.add(name: "transfer-encoding", value: "chunked")
                let head = HTTPResponseHead(
                    version: .http1_1, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
                context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
                writeStream(pieces, cut: reply.cutStream, context: context)
                return
            }
            let bytes = Array(reply.body.utf8)
            var headers = HTTPHeaders()
            for (name, value) in reply.headers { headers.add(name: name, value: value) }
            headers.add(name: "content-type", value: "application/json")
            headers.add(
                name: "content-length", value: String(reply.truncate ? bytes.count + 100 : bytes.count))
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            let buffer = context.channel.allocator.buffer(bytes: bytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            if reply.truncate {
                context.flush()
                context.close(promise: nil)
            } else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
