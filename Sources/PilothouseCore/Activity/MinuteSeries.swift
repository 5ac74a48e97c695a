import Foundation

/// Per-minute sums over a sliding window (15 minutes by default), for sparklines and rates.
///
/// Buckets are whole wall-clock minutes (UTC), keyed by minute number, so values recorded out of
/// order (a snapshot's history, then live events) land in the right minute. Values older than
/// the window behind the newest minute seen are dropped, so the memory is bounded by the window.
public struct MinuteSeries: Sendable, Hashable {
    public let minutes: Int
    private var buckets: [Int64: Int64] = [:]
    private var newest: Int64 = .min

    public init(minutes: Int = 15) {
        self.minutes = max(1, minutes)
    }

    static func minute(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 60).rounded(.down)) }

    public mutating func add(_ value: Int64, at date: Date) {
        let minute = Self.minute(of: date)
        if minute > newest {
            newest = minute
            buckets = buckets.filter { $0.key > minute - Int64(minutes) }
        }
        guard minute > newest - Int64(minutes) else { return }
        buckets[minute, default: 0] += value
    }

    /// The window ending with the minute of `now`, oldest first: `minutes` values.
    public func values(endingAt now: Date) -> [Int64] {
        let last = Self.minute(of: now)
        return (0..<Int64(minutes)).map { buckets[last - Int64(minutes) + 1 + $0] ?? 0 }
    }

    /// Sum of the last `count` minutes up to and including the minute of `now`.
    public func total(lastMinutes count: Int, endingAt now: Date) -> Int64 {
        values(endingAt: now).suffix(count).reduce(0, +)
    }
}
