/// Counts from `pilothouse cache validate|purge`.
public struct CacheMaintenance: Sendable, Equatable, Codable {
    /// Entries examined.
    public var checked = 0
    /// Entries whose bytes failed their SHA-256 and were deleted.
    public var corruptPurged = 0
    /// Entries deleted for age, TTL or the size cap.
    public var evicted = 0
    public var remainingEntries = 0
    public var remainingBytes = 0

    public init() {}
}
