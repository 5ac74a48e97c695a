import Foundation
import PilothouseCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hands engine events and command outcomes from async tasks to the terminal thread.
///
/// A queue plus a self-pipe: posting appends under a lock and writes one byte to the pipe, and
/// the terminal thread `poll()`s the pipe's read end together with stdin. So the terminal thread
/// sleeps in one blocking call until a key *or* an event arrives — no busy-waiting, no polling
/// timeouts — and ncurses is only ever touched from that one thread.
///
/// `@unchecked Sendable` because the mutable queue is guarded by `lock`; the file descriptors are
/// immutable after `init`.
final class EventInbox: @unchecked Sendable {
    enum Item: Sendable {
        case event(EngineEvent)
        case outcome(CommandOutcome)
        /// The answer to a `loadJobDetail` effect, transcript already laid out.
        case jobDetail(JobID, JobDetailState.Load)
        case streamEnded
        case stop
    }

    let readDescriptor: Int32
    private let writeDescriptor: Int32
    private let lock = NSLock()
    private var items: [Item] = []

    init() throws(ConsoleError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .cannotCreatePipe(errno: errno) }
        readDescriptor = fds[0]
        writeDescriptor = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    func post(_ item: Item) {
        lock.withLock { items.append(item) }
        var byte: UInt8 = 1
        // A full pipe already means "wake up", so EAGAIN is fine to ignore.
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Everything posted so far, in order; also empties the pipe so the next poll blocks again.
    func drain() -> [Item] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
        return lock.withLock {
            let taken = items
            items.removeAll(keepingCapacity: true)
            return taken
        }
    }
}

/// Why the console could not run.
public enum ConsoleError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotCreatePipe(errno: Int32)

    public var description: String {
        switch self {
        case .cannotCreatePipe(let code): "console: cannot create the event pipe (errno \(code))"
        }
    }
}
