import Foundation
import PilothouseCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The console's one serial executor: a dedicated thread that owns the ncurses backend and the
/// model, reads keys, folds events and draws.
///
/// Each turn blocks in `poll()` on stdin and the inbox pipe. The timeout is infinite-ish when
/// nothing is pending (only a slow clock tick so ages stay current), or the time until the next
/// frame is allowed when an engine event changed something, which coalesces bursts of events into
/// at most `maximumFramesPerSecond` frames. A key is drawn in the turn that read it (`FramePacer`). A resize wakes the loop through the backend's resize pipe
/// (SIGWINCH may land on any thread), and ncurses then reports `KEY_RESIZE` from the next read.
///
/// Lost input ends the loop with `TerminalError.inputLost`: stdin hung up, or it stays readable
/// while no key can be read from it (a process moved to the background gets EIO on every read),
/// which would otherwise spin forever with every key, ctrl-C included, ignored.
final class TerminalLoop {
    private let backend: NcursesBackend
    private let inbox: EventInbox
    private let send: @Sendable (OperatorCommand) async -> CommandOutcome
    private let keymap: Keymap
    private let themes: [Theme]
    private let tickMilliseconds: Int32
    private let environment: @Sendable (String) -> String?
    private var themeIndex = 0
    private var notifier: Notifier
    private let insideTmux: Bool
    private let runNotifyCommand: (@Sendable ([String], Data) async -> String?)?
    private let requestJobDetail: (@Sendable (JobID) async throws -> JobDetail)?
    private var model: ConsoleModel
    private var lastCanvas: Canvas?
    private var pacer: FramePacer
    private var lastTickAt = ContinuousClock.now
    private var running = true
    /// Turns in a row in which stdin was readable but yielded no key.
    private var fruitlessReads = 0

    init(
        options: ConsoleOptions, keymap: Keymap, inbox: EventInbox,
        send: @escaping @Sendable (OperatorCommand) async -> CommandOutcome
    ) {
        self.backend = NcursesBackend(
            options: NcursesBackend.Options(rawInput: true, environment: options.environment))
        self.inbox = inbox
        self.send = send
        self.keymap = keymap
        self.themes = options.themeCycle
        self.pacer = FramePacer(
            interval: .milliseconds(1000 / max(1, min(120, options.maximumFramesPerSecond))))
        self.tickMilliseconds = max(1000, options.clockTickMilliseconds)
        self.environment = options.environment
        self.model = ConsoleModel(readOnly: options.readOnly, statusHint: options.statusHint)
        self.model.ungatedMerge = options.ungatedMerge
        self.notifier = Notifier(settings: options.notify)
        self.insideTmux = !(options.environment("TMUX") ?? "").isEmpty
        self.runNotifyCommand = options.runNotifyCommand
        self.requestJobDetail = options.requestJobDetail
    }

    /// Runs until quit; the terminal is restored when this returns or throws.
    func run() throws {
        try backend.start()
        defer { backend.stop() }
        while running {
            let timeout = pollTimeout()
            var fds = [
                pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                pollfd(fd: inbox.readDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: backend.resizeDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR {
                throw TerminalError.inputLost("poll failed with errno \(errno)")
            }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                throw TerminalError.inputLost("the terminal hung up")
            }
            if fds[2].revents & Int16(POLLIN) != 0 { backend.consumeResizeWake() }
            // ncurses buffers input itself, so read until it has nothing, whatever poll said.
            var keys = 0
            while running, let key = backend.readKey(timeoutMilliseconds: 0) {
                keys += 1
                handle(key)
            }
            try checkInput(readable: fds[0].revents & Int16(POLLIN) != 0, keys: keys)
            if fds[1].revents & Int16(POLLIN) != 0 { fold(inbox.drain()) }
            let now = ContinuousClock.now
            if now - lastTickAt >= .milliseconds(Int64(tickMilliseconds)) {
                lastTickAt = now
                pacer.invalidate(.engine)
            }
            if running && pacer.shouldDraw(at: now) { render(at: now) }
            if running, let notification = notifier.take(at: Date()) { announce(notification) }
        }
    }

    /// Throws when stdin keeps saying "readable" but no key comes out of it. One such turn can be
    /// a key that arrived just after ncurses looked, so it takes a few in a row, each confirmed
    /// by the backend (bytes still queued, background process group, hangup).
    private func checkInput(readable: Bool, keys: Int) throws(TerminalError) {
        guard readable && keys == 0 && running else {
            fruitlessReads = 0
            return
        }
        fruitlessReads += 1
        guard fruitlessReads >= Self.fruitlessReadLimit, let reason = backend.lostInputReason() else {
            return
        }
        throw .inputLost(reason)
    }

    /// Enough to rule out a key racing ncurses' read; few enough that a broken stdin costs
    /// microseconds, not a spinning core.
    static let fruitlessReadLimit = 3

    private func pollTimeout() -> Int32 {
        let now = ContinuousClock.now
        let untilTick = .milliseconds(Int64(tickMilliseconds)) - (now - lastTickAt)
        var wait = max(Duration.zero, untilTick)
        if let frame = pacer.wait(at: now) { wait = min(wait, frame) }
        if let deadline = notifier.nextDeadline() {
            wait = min(wait, .milliseconds(max(0, Int64(deadline.timeIntervalSinceNow * 1000) + 1)))
        }
        let (seconds, attoseconds) = wait.components
        return Int32(min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    private func render(at now: ContinuousClock.Instant) {
        model.now = Date()
        let theme = themes[themeIndex % themes.count].adapted(to: backend.colorDepth)
        let canvas = ConsoleView.render(&model, size: backend.size, theme: theme, keymap: keymap)
        if canvas != lastCanvas {
            backend.draw(canvas)
            lastCanvas = canvas
        }
        pacer.drew(at: now)
    }

    private func handle(_ key: Key) {
        pacer.invalidate(.input)
        if key == .resize {
            lastCanvas = nil
            return
        }
        for effect in model.handle(key, keymap: keymap) {
            perform(effect)
        }
    }

    private func perform(_ effect: ConsoleEffect) {
        switch effect {
        case .send(let command):
            let send = self.send
            let inbox = self.inbox
            Task {
                let outcome = await send(command)
                inbox.post(.outcome(outcome))
            }
        case .quit:
            running = false
        case .nextTheme:
            themeIndex = (themeIndex + 1) % themes.count
            model.status = StatusMessage("theme \(themes[themeIndex].name)")
        case .redraw:
            backend.invalidate()
            lastCanvas = nil
        case .loadJobDetail(let id):
            let request = requestJobDetail
            let inbox = self.inbox
            Task {
                let result: Result<JobDetail, JobDetailFailure>
                if let request {
                    do {
                        result = .success(try await request(id))
                    } catch {
                        result = .failure(
                            JobDetailFailure("could not read the transcript of \(id.short): \(error)"))
                    }
                } else {
                    result = .failure(.unavailable)
                }
                // Laid out here, off the terminal thread: a transcript of megabytes takes a while.
                inbox.post(.jobDetail(id, JobDetailState.Load(result)))
            }
        case .editPatch(let id, let diff):
            let outcome = backend.suspended { PatchEditor.edit(diff, of: id, environment: environment) }
            lastCanvas = nil
            switch outcome {
            case .edited(let edited): perform(.send(.editPatch(id, diff: edited)))
            case .unchanged: model.status = StatusMessage("patch of \(id.short) unchanged; nothing sent")
            case .failed(let message): model.status = StatusMessage(message, tone: .error)
            }
        }
    }

    /// Rings, shows and runs what `notification`'s kinds are configured for. The command runs in
    /// a task; when it fails, the reason comes back to the status line.
    private func announce(_ notification: OperatorNotification) {
        let channels = notifier.channels(for: notification)
        var bytes: [UInt8] = []
        if channels.contains(.bell) { bytes += NotificationSequence.bell }
        if channels.contains(.desktop) {
            bytes += NotificationSequence.desktop(
                title: notification.title, message: notification.message, insideTmux: insideTmux)
        }
        backend.emit(bytes)
        guard channels.contains(.command), let run = runNotifyCommand else { return }
        let argv = notifier.settings.command
        let inbox = self.inbox
        let input: Data
        do {
            input = try notification.json()
        } catch {
            model.status = StatusMessage(
                "notify_command: cannot encode the notification: \(error)", tone: .error)
            return
        }
        Task {
            if let failure = await run(argv, input) {
                inbox.post(.event(.notice("notify_command \(argv.first ?? ""): \(failure)")))
            }
        }
    }

    private func fold(_ items: [EventInbox.Item]) {
        guard !items.isEmpty else { return }
        var events: [EngineEvent] = []
        let looking: PaneID = model.diff != nil ? .approvals : model.focus
        for item in items {
            switch item {
            case .event(let event):
                events.append(event)
                notifier.observe(event, at: Date(), looking: looking)
            case .outcome(let outcome): events.append(.commandCompleted(outcome))
            case .jobDetail(let id, let load): model.receiveJobDetail(id, load: load)
            case .streamEnded:
                model.apply(contentsOf: events)
                events.removeAll()
                model.streamEnded = true
                model.status = StatusMessage(
                    "the engine's event stream ended; the view is frozen (q quits)", tone: .error)
            case .stop:
                running = false
            }
        }
        model.apply(contentsOf: events)
        pacer.invalidate(.engine)
    }
}
