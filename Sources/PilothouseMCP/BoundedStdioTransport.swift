import Foundation
import Logging
import MCP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The MCP stdio transport (newline-delimited JSON-RPC on standard input and output) with
/// every incoming message bounded by `MessageFramer`; a request over the limit is answered
/// with an error and the session goes on.
///
/// Standard input is read with blocking reads on a thread of its own, so no task of the
/// cooperative pool waits on a descriptor; the end of input (or a read error) ends the
/// session, as the MCP specification says closing stdin does. Standard output carries
/// JSON-RPC only; it is written whole, one message per line.
public actor BoundedStdioTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let limit: Int
    private let messages: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var connected = false

    public init(
        input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, maxMessageBytes: Int,
        logger: Logger = Logger(label: "pilothouse.mcp", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.input = input
        self.output = output
        self.limit = maxMessageBytes
        self.logger = logger
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws {
        guard !connected else { return }
        connected = true
        let (input, limit, continuation) = (self.input, self.limit, self.continuation)
        let thread = Thread { [weak self] in
            var framer = MessageFramer(limit: limit)
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                for frame in framer.feed(buffer[..<count]) {
                    switch frame {
                    case .message(let data):
                        continuation.yield(data)
                    case .oversized(let size, let head, let tail):
                        let answer = OversizedMessage.answer(
                            count: size, head: head, tail: tail, limit: limit)
                        let transport = self
                        Task { try? await transport?.send(answer) }
                    }
                }
            }
            continuation.finish()
        }
        thread.name = "pilothouse-mcp-stdin"
        thread.start()
    }

    public func disconnect() async {
        connected = false
        continuation.finish()
    }

    /// Writes one message and its newline; a closed standard output (the client went away)
    /// ends the session rather than the process, since SIGPIPE is ignored.
    public func send(_ data: Data) async throws {
        var bytes = data
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    // A non-blocking descriptor inherited from the client: wait here, not at an
                    // `await`, so a second message cannot interleave with this one.
                    var ready = pollfd(fd: output, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, 1_000)
                    continue
                }
                let code = errno
                continuation.finish()
                throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO))
            }
            offset += written
        }
    }

    public func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        messages
    }
}
