/// When the console may draw: at once for the operator's keys, at a bounded rate for the engine.
///
/// A keypress is the operator waiting for the screen, so the frame it causes is drawn in the same
/// turn of the loop; holding it back for the frame interval was what made every key feel 30 ms
/// late. Engine events are another matter: a busy swarm can send thousands a second, so frames
/// they cause are spaced at least `interval` apart, which coalesces a burst into one frame. A
/// frame drawn for a key also counts for pacing, so keys and events together never draw more
/// than one frame per key plus one per interval.
struct FramePacer: Sendable {
    /// What made the screen out of date.
    enum Cause: Sendable {
        /// The operator pressed a key (or resized the terminal): draw now.
        case input
        /// An engine event, a command's outcome or the clock: draw at the next paced frame.
        case engine
    }

    let interval: Duration
    private(set) var lastFrameAt: ContinuousClock.Instant?
    /// The strongest cause since the last frame; nil when the screen is up to date. The first
    /// frame is due at once.
    private(set) var pending: Cause? = .input

    init(interval: Duration) {
        self.interval = interval
    }

    mutating func invalidate(_ cause: Cause) {
        if pending != .input { pending = cause }
    }

    /// Whether a frame should be drawn at `now`.
    func shouldDraw(at now: ContinuousClock.Instant) -> Bool {
        switch pending {
        case nil: false
        case .input: true
        case .engine: lastFrameAt.map { now - $0 >= interval } ?? true
        }
    }

    /// How long the loop may sleep before a frame is due, or nil when none is pending.
    func wait(at now: ContinuousClock.Instant) -> Duration? {
        switch pending {
        case nil: nil
        case .input: .zero
        case .engine: lastFrameAt.map { max(.zero, interval - (now - $0)) } ?? .zero
        }
    }

    mutating func drew(at now: ContinuousClock.Instant) {
        lastFrameAt = now
        pending = nil
    }
}
