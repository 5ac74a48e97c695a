/// Integer views of `Duration` for the gateway's arithmetic.
///
/// Rate limiting and backoff are computed in whole nano- or microseconds so that results are
/// exact and reproducible; these helpers saturate instead of trapping, because a huge
/// `Retry-After` or a years-long idle gap must degrade to "very long", not crash the gateway.
extension Duration {
    /// Whole nanoseconds, rounded toward zero, saturating at `Int64` bounds.
    var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    /// Whole microseconds, rounded toward zero, saturating at `Int64` bounds.
    var saturatingMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }
}
