/// Exact use over the last 60 seconds, for the configured requests/min and tokens/min.
///
/// A token bucket alone admits up to twice its rate in some 60-second windows (a full burst,
/// then a minute of refill); providers count in windows, and the gateway promises never to
/// exceed the configured figure in any of them, so the hard cap is this log of grants. The
/// `TokenBucket`s beside it mirror what the provider's headers say about its own state.
struct SlidingWindow: Sendable {
    /// May tighten while running: a provider's announced limit or the lane's adaptation.
    var limit: Int?
    let span: Duration
    private var entries: [(id: UInt64, at: ContinuousClock.Instant, amount: Int)] = []
    private var head = 0
    private(set) var total = 0

    init(limit: Int?, span: Duration = .seconds(60)) {
        self.limit = limit
        self.span = span
    }

    mutating func expire(now: ContinuousClock.Instant) {
        while head < entries.count, entries[head].at + span <= now {
            total -= entries[head].amount
            head += 1
        }
        // Compact now and then so the array does not grow for the life of the process.
        if head > 1024 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    /// What a take of `amount` is charged: never more than the limit, or it could never fit.
    func charge(_ amount: Int) -> Int {
        guard let limit else { return amount }
        return min(max(0, amount), limit)
    }

    /// Nil when `amount` fits now; otherwise how long until enough of the window expires.
    func wait(for amount: Int, now: ContinuousClock.Instant) -> Duration? {
        guard let limit else { return nil }
        let needed = charge(amount)
        var used = total
        guard used + needed > limit else { return nil }
        for index in head..<entries.count {
            used -= entries[index].amount
            if used + needed <= limit {
                let until = entries[index].at + span
                return until > now ? now.duration(to: until) : .zero
            }
        }
        return span
    }

    mutating func add(id: UInt64, amount: Int, now: ContinuousClock.Instant) {
        let charged = charge(amount)
        entries.append((id, now, charged))
        total += charged
    }

    /// Replaces a grant's estimate with what it really used (estimate-then-correct).
    mutating func correct(id: UInt64, actual: Int) {
        guard head < entries.count else { return }
        for index in stride(from: entries.count - 1, through: head, by: -1) where entries[index].id == id {
            let charged = charge(actual)
            total += charged - entries[index].amount
            entries[index].amount = charged
            return
        }
    }
}
