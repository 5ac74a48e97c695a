import Foundation

/// Whether the store's writes are going through, as the engine and its consumers see it.
///
/// A full disk (or a filesystem that fails writes) does not lose what the engine was about to
/// record: the write is retried with backoff for as long as `StoreWritePatience` allows, and
/// meanwhile the engine claims nothing new and shows why.
public enum StoreWriteHealth: Sendable, Equatable {
    case ok
    /// Writes fail with a storage fault (`SQLITE_FULL`, an I/O error) and are being retried.
    case failing(since: Date, detail: String)
    /// A write was retried for the whole patience and failed; what it carried was not stored.
    case gaveUp(detail: String)

    /// A short line for a status line or a `run` notice.
    public func describe(path: String) -> String {
        switch self {
        case .ok:
            "writes to \(path) go through again; claiming work again"
        case .failing(_, let detail):
            "disk full: cannot write \(path) (\(detail)); retrying, no new jobs are claimed — free space on that filesystem"
        case .gaveUp(let detail):
            "disk full: gave up writing \(path) (\(detail)); stopping — free space, then run again: held jobs are reclaimed"
        }
    }
}

/// How long a write that hit a storage fault is retried before it fails.
///
/// Command-line writes (enqueue, approve) fail at once with a clear message: the operator is
/// there to free space and retry. An engine run retries, because what it writes is an outcome
/// or a ledger row for money already spent, and losing it is worse than waiting.
public struct StoreWritePatience: Sendable, Equatable {
    /// Total time a single write keeps retrying; zero means no retry.
    public var maxWait: Duration
    public var firstDelay: Duration
    public var maxDelay: Duration

    public init(maxWait: Duration, firstDelay: Duration = .milliseconds(50), maxDelay: Duration = .seconds(2))
    {
        self.maxWait = maxWait
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// Fail at once (the command line's default).
    public static let none = StoreWritePatience(maxWait: .zero)

}
