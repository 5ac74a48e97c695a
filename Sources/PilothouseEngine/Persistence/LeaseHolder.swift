import Foundation

/// The process behind a lease: host name, process id and the process's start time.
///
/// An engine on the same host can then tell at once whether the holder of a lease is still
/// alive (its pid exists and started at the same moment, so a reused pid does not count),
/// instead of waiting `lease_seconds` for a SIGKILLed engine's leases to expire. A holder on
/// another host can only be judged by its lease's expiry.
public struct LeaseHolder: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var pid: Int32
    /// Field 22 of `/proc/PID/stat`: clock ticks after boot at which the process started.
    public var startTime: Int64

    public init(host: String, pid: Int32, startTime: Int64) {
        self.host = host
        self.pid = pid
        self.startTime = startTime
    }

    /// This process.
    public static let current = LeaseHolder(
        host: hostName(), pid: getpid(), startTime: startTime(of: getpid()) ?? 0)

    public var description: String { "pid \(pid) on \(host)" }

    /// Whether this holder is known to be gone: on this host, with its pid missing or
    /// reused by a process that started at another time. Unknown (another host, or no start
    /// time recorded) is not gone.
    public var isGoneFromThisHost: Bool {
        guard host == LeaseHolder.current.host, pid > 0, startTime > 0 else { return false }
        return LeaseHolder.startTime(of: pid) != startTime
    }

    /// The start time of `pid`, or nil when there is no such process (or it is a zombie,
    /// which has ended and only waits for its parent).
    static func startTime(of pid: Int32) -> Int64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)" the fields start at 3 (state); comm may hold spaces or ')'.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return Int64(fields[19])
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
