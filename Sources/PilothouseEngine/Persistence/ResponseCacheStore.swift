import Foundation
import PilothouseCore

/// The response cache: model answers by request hash, checked for integrity on read.
public protocol ResponseCacheStore: Sendable {
    /// Reads a cache entry, verifying its bytes against the stored SHA-256 and its age against
    /// `ttl`. Corrupt and expired entries are deleted on the spot, so a bad entry costs one
    /// miss rather than a stage fed garbage.
    func cacheLookup(key: String, ttl: TimeInterval, now: Date) throws -> CacheLookup

    /// Stores an entry, then evicts least recently used entries until the cache fits `maxBytes`.
    func cacheStore(key: String, stage: StageName?, model: String, payload: Data, maxBytes: Int, now: Date)
        throws

    /// Checks every entry's SHA-256, deleting the corrupt ones.
    func cacheValidate() throws -> CacheMaintenance

    /// Deletes entries older than `olderThan` (all entries when both limits are nil) and
    /// then least recently used ones beyond `maxBytes`; corrupt entries go too.
    func cachePurge(olderThan: TimeInterval?, maxBytes: Int?, now: Date) throws -> CacheMaintenance

    func cacheStatistics() throws -> CacheMaintenance
}

/// The requirements with their usual arguments filled in (a protocol requirement has no
/// default arguments).
extension ResponseCacheStore {
    public func cacheLookup(key: String, ttl: TimeInterval) throws -> CacheLookup {
        try cacheLookup(key: key, ttl: ttl, now: Date())
    }

    public func cacheStore(key: String, stage: StageName?, model: String, payload: Data, maxBytes: Int) throws
    {
        try cacheStore(
            key: key, stage: stage, model: model, payload: payload, maxBytes: maxBytes, now: Date())
    }

    public func cachePurge(olderThan: TimeInterval?, maxBytes: Int?) throws -> CacheMaintenance {
        try cachePurge(olderThan: olderThan, maxBytes: maxBytes, now: Date())
    }
}
