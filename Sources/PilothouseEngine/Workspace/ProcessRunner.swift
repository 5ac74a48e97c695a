import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What to run: an argument vector (never a shell line), where, and with which limits.
public struct ProcessCommand: Sendable, Equatable {
    /// The program (a path, or a name looked up in the command's own `PATH`) and its arguments.
    public var argv: [String]
    public var directory: String
    /// The complete environment of the child; build it with `ProcessRunner.environment(allowing:)`.
    public var environment: [String: String]
    public var timeout: Duration
    /// Output kept in memory; beyond it the middle is dropped (the head and the tail are kept,
    /// since runners print the failing tests first and the summary last).
    public var maxOutputBytes: Int
    /// Send stderr into the same stream as stdout, interleaved as a terminal would show it.
    public var mergeOutput: Bool
    /// The file the child reads as stdin; `/dev/null` unless a caller hands it input
    /// (a `notify_command` reads its notification's JSON).
    public var standardInput = "/dev/null"

    public init(
        argv: [String], directory: String, environment: [String: String], timeout: Duration = .seconds(900),
        maxOutputBytes: Int = 1 << 20, mergeOutput: Bool = true
    ) {
        self.argv = argv
        self.directory = directory
        self.environment = environment
        self.timeout = timeout
        self.maxOutputBytes = maxOutputBytes
        self.mergeOutput = mergeOutput
    }
}

/// How a finished process ended, with what it printed.
public struct ProcessResult: Sendable, Equatable {
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    public var termination: Termination
    public var timedOut: Bool
    public var cancelled: Bool
    /// stdout (with stderr when merged), bounded.
    public var output: [UInt8]
    /// stderr when not merged, bounded.
    public var errorOutput: [UInt8]
    /// Bytes dropped from the middle of the output to respect the bound.
    public var droppedBytes: Int
    public var duration: Duration

    public var succeeded: Bool { termination == .exited(0) && !timedOut && !cancelled }
}

/// Runs processes in their own process group, so a timeout or a cancellation kills everything
/// they started (a test runner's workers, a `sleep &` in a script), not just the first process.
///
/// Built on `posix_spawn` because Foundation's `Process` cannot put the child in a new group.
/// After the main process exits, the rest of its group is killed too: stray background
/// processes would otherwise hold the output pipe open and outlive the stage.
public struct ProcessRunner: Sendable {
    /// How long processes get between SIGTERM and SIGKILL.
    public var gracePeriod: Duration

    public init(gracePeriod: Duration = .seconds(2)) { self.gracePeriod = gracePeriod }

    /// Variables every child gets from Pilothouse's environment when set; anything else
    /// (API keys, tokens, cloud credentials) must be allowed by name.
    public static let baseEnvironment = [
        "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TMPDIR", "USER", "LOGNAME",
    ]

    /// A scrubbed environment: the base variables plus `names`, taken from `source`.
    public static func environment(
        allowing names: [String], from source: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String: String] {
        var result: [String: String] = [:]
        for name in baseEnvironment + names {
            if let value = source[name] { result[name] = value }
        }
        return result
    }

    public func run(_ command: ProcessCommand) async throws(ProcessRunnerError) -> ProcessResult {
        let child = try SpawnedProcess.spawn(command, gracePeriod: gracePeriod)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ProcessResult, Never>) in
                child.whenFinished { continuation.resume(returning: $0) }
            }
        } onCancel: {
            child.stop(cancelled: true)
        }
    }

    /// Runs `command` and blocks the calling thread until it ends: for synchronous callers
    /// (git), on the same spawn path as everything else, with the same deadline handling.
    public func runBlocking(_ command: ProcessCommand) throws(ProcessRunnerError) -> ProcessResult {
        let child = try SpawnedProcess.spawn(command, gracePeriod: gracePeriod)
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<ProcessResult?>(nil)
        child.whenFinished { finished in
            result.withLock { $0 = finished }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }

    /// Resolves `name` against `PATH` the way `execvp` would, so a missing tool is reported by
    /// name before anything runs.
    public static func resolve(_ name: String, path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = directory + "/" + name
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}

public enum ProcessRunnerError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyCommand
    case notFound(String)
    case spawnFailed(program: String, code: Int32)
    case pipeFailed(code: Int32)

    public var description: String {
        switch self {
        case .emptyCommand:
            "the command is empty; configure it as an argv array such as [\"swift\", \"test\"]"
        case .notFound(let name): "'\(name)' was not found on PATH; install it or give its full path"
        case .spawnFailed(let program, let code):
            "could not start \(program): \(String(cString: strerror(code)))"
        case .pipeFailed(let code): "could not create an output pipe: \(String(cString: strerror(code)))"
        }
    }
}

/// `pipe2(fds, O_CLOEXEC)`: both ends close on exec from the moment they exist, so a child
/// spawned by another thread in between cannot inherit them. glibc has it, but the Glibc module
/// does not import it (it needs `_GNU_SOURCE`), so it is looked up at run time; without it,
/// `pipe` and `fcntl` are the fallback.
private func closeOnExecPipe(_ fds: inout [Int32]) -> Int32 {
    if let pipe2 = pipe2Function { return pipe2(&fds, O_CLOEXEC) }
    guard pipe(&fds) == 0 else { return -1 }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return 0
}

private let pipe2Function: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32)? = {
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "pipe2") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
}()

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which the Glibc module does not
/// import; looked up at run time so the child changes directory itself and the engine's own
/// working directory (shared by every thread) is never touched.
private let spawnAddChdir:
    (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW),
            let symbol = dlsym(handle, "posix_spawn_file_actions_addchdir_np")
        else {
            return nil
        }
        return unsafeBitCast(
            symbol,
            to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) ->
                Int32).self)
    }()

/// One running child and the threads that drain its output and reap it.
private final class SpawnedProcess: @unchecked Sendable {
    private let pid: pid_t
    private let lock = NSLock()
    private let gracePeriod: Duration
    private let started = ContinuousClock.now
    private var finished: ProcessResult?
    private var waiters: [(ProcessResult) -> Void] = []
    private var timedOut = false
    private var cancelled = false
    private var exited = false
    private let output: BoundedBuffer
    private let errorOutput: BoundedBuffer

    private init(pid: pid_t, gracePeriod: Duration, limit: Int) {
        self.pid = pid
        self.gracePeriod = gracePeriod
        self.output = BoundedBuffer(limit: limit)
        self.errorOutput = BoundedBuffer(limit: max(4096, limit / 4))
    }

    static func spawn(_ command: ProcessCommand, gracePeriod: Duration) throws(ProcessRunnerError)
        -> SpawnedProcess
    {
        guard let name = command.argv.first, !name.isEmpty else { throw .emptyCommand }
        guard let program = ProcessRunner.resolve(name, path: command.environment["PATH"]) else {
            throw .notFound(name)
        }
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        // Close-on-exec, so a child spawned at the same moment by another thread does not
        // inherit this child's pipe and hold it open (dup2 onto 0–2 clears the flag for ours).
        guard closeOnExecPipe(&outPipe) == 0 else { throw .pipeFailed(code: errno) }
        if !command.mergeOutput {
            guard closeOnExecPipe(&errPipe) == 0 else {
                let code = errno
                close(outPipe[0])
                close(outPipe[1])
                throw .pipeFailed(code: code)
            }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, command.standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, command.mergeOutput ? outPipe[1] : errPipe[1], 2)
        for fd in outPipe + errPipe where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        guard let addChdir = spawnAddChdir else { throw .spawnFailed(program: program, code: ENOSYS) }
        _ = addChdir(&actions, command.directory)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new process group (pgid = the child's pid), default signal handling and an empty
        // mask: the engine's own signal setup must not leak into tests.
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)

        let argv = command.argv.map { strdup($0) } + [nil]
        let environment = command.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, program, &actions, &attributes, argv, environment)
        close(outPipe[1])
        if !command.mergeOutput { close(errPipe[1]) }
        guard status == 0 else {
            close(outPipe[0])
            if !command.mergeOutput { close(errPipe[0]) }
            throw .spawnFailed(program: program, code: status)
        }
        let child = SpawnedProcess(pid: pid, gracePeriod: gracePeriod, limit: command.maxOutputBytes)
        child.timeoutAt = .now + command.timeout
        child.startDraining(outFD: outPipe[0], errFD: command.mergeOutput ? -1 : errPipe[0])
        child.startReaping()
        return child
    }

    func whenFinished(_ body: @escaping (ProcessResult) -> Void) {
        lock.lock()
        if let finished {
            lock.unlock()
            body(finished)
            return
        }
        waiters.append(body)
        lock.unlock()
    }

    /// SIGTERM to the whole group now, SIGKILL after the grace period (sent by the output
    /// thread, which watches the clock).
    func stop(cancelled: Bool = false, timedOut: Bool = false) {
        lock.lock()
        if cancelled { self.cancelled = true }
        if timedOut { self.timedOut = true }
        let alreadyExited = exited
        if !alreadyExited, killAt == nil { killAt = .now + gracePeriod }
        lock.unlock()
        guard !alreadyExited else { return }
        kill(-pid, SIGTERM)
    }

    /// When the command has run too long; checked by the output thread.
    private var timeoutAt: ContinuousClock.Instant = .now
    /// When a stopped group that is still alive gets SIGKILL.
    private var killAt: ContinuousClock.Instant?

    /// The deadline and the SIGKILL escalation are watched by the process's own output
    /// thread, never by a timer on Dispatch's shared pool: when that pool is busy (many
    /// processes, a loaded machine) such a timer fired seconds late, and a hung test command
    /// outlived its timeout.
    private func enforceDeadlines() {
        let now = ContinuousClock.now
        lock.lock()
        let shouldTimeOut = !exited && !timedOut && killAt == nil && now >= timeoutAt
        let shouldKill = !exited && killAt.map { now >= $0 } == true
        if shouldKill { killAt = .now + .seconds(3600) }
        lock.unlock()
        if shouldTimeOut { stop(timedOut: true) }
        if shouldKill { kill(-pid, SIGKILL) }
    }

    private var drained = DispatchSemaphore(value: 0)

    private func hasExited() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return exited
    }
    private var drainStop = false

    /// The reaper writes to it when the process exits, so the output thread ends at once
    /// instead of at its next poll tick (git is run dozens of times per job).
    private var wake: [Int32] = [-1, -1]

    private func startDraining(outFD: Int32, errFD: Int32) {
        if closeOnExecPipe(&wake) != 0 { wake = [-1, -1] }
        let thread = Thread { [self] in
            var fds = [pollfd(fd: outFD, events: Int16(POLLIN), revents: 0)]
            if errFD >= 0 { fds.append(pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)) }
            var open = fds.count
            let outputs = fds.count
            fds.append(pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0))
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            var stopDeadline: ContinuousClock.Instant?
            // Runs until the pipes are closed and the process is gone: a command that closed
            // its output but keeps running still has its deadline enforced here.
            while open > 0 || !hasExited() {
                enforceDeadlines()
                // Closed descriptors are -1, which poll ignores: then this is a 50 ms tick.
                let ready = poll(&fds, nfds_t(fds.count), 50)
                if ready < 0, errno != EINTR { break }
                if fds[outputs].fd >= 0, fds[outputs].revents != 0 {
                    var byte: UInt8 = 0
                    _ = read(fds[outputs].fd, &byte, 1)
                }
                for index in 0..<outputs where fds[index].fd >= 0 && fds[index].revents != 0 {
                    let count = buffer.withUnsafeMutableBytes {
                        read(fds[index].fd, $0.baseAddress, $0.count)
                    }
                    if count > 0 {
                        (index == 0 ? output : errorOutput).append(buffer[0..<count])
                    } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        close(fds[index].fd)
                        fds[index].fd = -1
                        open -= 1
                    }
                }
                // A process that escaped the group kill (setsid) may keep the pipe open forever:
                // stop reading shortly after the main process is gone.
                lock.lock()
                let stopping = drainStop
                lock.unlock()
                if stopping {
                    if stopDeadline == nil { stopDeadline = .now + .seconds(1) }
                    if let deadline = stopDeadline, ContinuousClock.now > deadline { break }
                }
            }
            // The wake pipe's read end stays open until the reaper has written to it and
            // closes both ends: closed here first, that write would raise SIGPIPE, which kills
            // any process that does not ignore it.
            for entry in fds.prefix(outputs) where entry.fd >= 0 { close(entry.fd) }
            drained.signal()
        }
        thread.name = "pilothouse-output-\(pid)"
        thread.start()
    }

    private func startReaping() {
        let thread = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            lock.lock()
            exited = true
            drainStop = true
            lock.unlock()
            if wake[1] >= 0 {
                var byte: UInt8 = 1
                _ = write(wake[1], &byte, 1)
            }
            // Whatever the main process left running in its group goes with it.
            kill(-pid, SIGKILL)
            drained.wait()
            if wake[1] >= 0 { close(wake[1]) }
            if wake[0] >= 0 { close(wake[0]) }
            let termination: ProcessResult.Termination =
                (status & 0x7F) == 0 ? .exited((status >> 8) & 0xFF) : .signaled(status & 0x7F)
            lock.lock()
            let result = ProcessResult(
                termination: termination, timedOut: timedOut, cancelled: cancelled, output: output.bytes,
                errorOutput: errorOutput.bytes, droppedBytes: output.droppedCount + errorOutput.droppedCount,
                duration: ContinuousClock.now - started)
            finished = result
            let pending = waiters
            waiters = []
            lock.unlock()
            pending.forEach { $0(result) }
        }
        thread.name = "pilothouse-reaper-\(pid)"
        thread.start()
    }
}

/// Keeps the first quarter and the last three quarters of at most `limit` bytes.
private final class BoundedBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private let headLimit: Int
    private let tailLimit: Int
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private var dropped = 0

    init(limit: Int) {
        headLimit = max(1, limit / 4)
        tailLimit = max(1, limit - limit / 4)
    }

    func append(_ bytes: ArraySlice<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        var rest = bytes
        if head.count < headLimit {
            let take = min(headLimit - head.count, rest.count)
            head += rest.prefix(take)
            rest = rest.dropFirst(take)
        }
        tail += rest
        if tail.count > tailLimit * 2 {
            let excess = tail.count - tailLimit
            dropped += excess
            tail.removeFirst(excess)
        }
    }

    /// Bytes left out of `bytes`.
    var droppedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return dropped + max(0, tail.count - tailLimit)
    }

    var bytes: [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        var trimmedTail = tail
        var droppedNow = dropped
        if trimmedTail.count > tailLimit {
            droppedNow += trimmedTail.count - tailLimit
            trimmedTail.removeFirst(trimmedTail.count - tailLimit)
        }
        guard droppedNow > 0 else { return head + trimmedTail }
        return head + Array("\n… [\(droppedNow) bytes omitted] …\n".utf8) + trimmedTail
    }
}

extension Duration {
    var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
