import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Serialises the cache's writes (each may evict least recently used entries), so two
    /// engines evicting at once neither deadlock on each other's rows nor both evict for the
    /// same overshoot ("PILOCACH" as an integer).
    static let cacheLock: Int64 = 0x5049_4C4F_4341_4348

    /// Reads a cache entry, verifying its bytes against the stored SHA-256 and its age against
    /// `ttl`. Corrupt and expired entries are deleted on the spot, so a bad entry costs one
    /// miss rather than a stage fed garbage.
    public func cacheLookup(key: String, ttl: TimeInterval, now: Date) throws -> CacheLookup {
        try write(locking: .advisory(PostgresStore.cacheLock)) { tx in
            guard
                let row = try tx.row(
                    "SELECT payload, sha256, created_at FROM response_cache WHERE key = $1", [key])
            else { return .miss }
            let created = PostgresStore.date(try row("created_at"))
            if now.timeIntervalSince(created) > ttl {
                try tx.execute("DELETE FROM response_cache WHERE key = $1", [key])
                return .miss
            }
            guard let payload = try PostgresStore.intactPayload(row) else {
                try tx.execute("DELETE FROM response_cache WHERE key = $1", [key])
                return .corrupt
            }
            try tx.execute(
                "UPDATE response_cache SET last_used_at = $1 WHERE key = $2",
                [PostgresStore.millis(now), key])
            return .hit(payload)
        }
    }

    /// Stores an entry, then evicts least recently used entries until the cache fits `maxBytes`.
    public func cacheStore(
        key: String, stage: StageName?, model: String, payload: Data, maxBytes: Int, now: Date
    )
        throws
    {
        try write(locking: .advisory(PostgresStore.cacheLock)) { tx in
            let millis = PostgresStore.millis(now)
            try tx.execute(
                """
                INSERT INTO response_cache (key, stage, model, payload, sha256, size, created_at, last_used_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (key) DO UPDATE SET stage = excluded.stage, model = excluded.model,
                    payload = excluded.payload, sha256 = excluded.sha256, size = excluded.size,
                    created_at = excluded.created_at, last_used_at = excluded.last_used_at
                """,
                [key, stage?.rawValue, model, payload, SHA256Hex.of(payload), payload.count, millis, millis])
            _ = try PostgresStore.evictLRU(tx, maxBytes: maxBytes)
        }
    }

    /// Checks every entry's SHA-256, deleting the corrupt ones.
    public func cacheValidate() throws -> CacheMaintenance {
        try write(locking: .advisory(PostgresStore.cacheLock)) { tx in
            var result = CacheMaintenance()
            result.checked = try tx.value("SELECT COUNT(*) FROM response_cache", as: Int.self) ?? 0
            result.corruptPurged = try PostgresStore.deleteCorrupt(tx)
            try PostgresStore.fillRemaining(tx, into: &result)
            return result
        }
    }

    /// Deletes entries older than `olderThan` (all entries when both limits are nil) and
    /// then least recently used ones beyond `maxBytes`; corrupt entries go too.
    public func cachePurge(olderThan: TimeInterval?, maxBytes: Int?, now: Date) throws -> CacheMaintenance {
        try write(locking: .advisory(PostgresStore.cacheLock)) { tx in
            var result = CacheMaintenance()
            result.checked = try tx.value("SELECT COUNT(*) FROM response_cache", as: Int.self) ?? 0
            result.corruptPurged = try PostgresStore.deleteCorrupt(tx)
            if olderThan == nil && maxBytes == nil {
                result.evicted += try tx.changes("DELETE FROM response_cache")
            }
            if let olderThan {
                let cutoff = PostgresStore.millis(now.addingTimeInterval(-olderThan))
                result.evicted += try tx.changes("DELETE FROM response_cache WHERE created_at < $1", [cutoff])
            }
            if let maxBytes { result.evicted += try PostgresStore.evictLRU(tx, maxBytes: maxBytes) }
            try PostgresStore.fillRemaining(tx, into: &result)
            return result
        }
    }

    public func cacheStatistics() throws -> CacheMaintenance {
        try read { tx in
            var result = CacheMaintenance()
            try PostgresStore.fillRemaining(tx, into: &result)
            return result
        }
    }

    /// Overwrites an entry's bytes without updating its hash: what disk or hand damage does.
    /// Exists for tests and drills of `cache validate`.
    public func cacheCorruptForTesting(key: String) throws {
        try write(locking: .advisory(PostgresStore.cacheLock)) { tx in
            try tx.execute("UPDATE response_cache SET payload = '\\xdeadbeef'::bytea WHERE key = $1", [key])
        }
    }

    /// Deletes every entry whose bytes fail their SHA-256, and returns how many went.
    private static func deleteCorrupt(_ tx: PostgresTransaction) throws -> Int {
        var deleted = 0
        for row in try tx.rows("SELECT key, payload, sha256 FROM response_cache")
        where try intactPayload(row) == nil {
            deleted += try tx.changes(
                "DELETE FROM response_cache WHERE key = $1", [try row("key", as: String.self)])
        }
        return deleted
    }

    /// An entry's bytes when they match its SHA-256.
    private static func intactPayload(_ row: PostgresStoreRow) throws -> Data? {
        let payload: Data = try row("payload")
        let hash: String = try row("sha256")
        return SHA256Hex.of(payload) == hash ? payload : nil
    }

    private static func evictLRU(_ tx: PostgresTransaction, maxBytes: Int) throws -> Int {
        var total =
            try tx.value("SELECT COALESCE(SUM(size), 0)::BIGINT FROM response_cache", as: Int.self) ?? 0
        guard total > maxBytes else { return 0 }
        var evicted = 0
        for row in try tx.rows("SELECT key, size FROM response_cache ORDER BY last_used_at, created_at, key")
        where total > maxBytes {
            try tx.execute("DELETE FROM response_cache WHERE key = $1", [try row("key", as: String.self)])
            total -= try row("size", as: Int.self)
            evicted += 1
        }
        return evicted
    }

    private static func fillRemaining(_ tx: PostgresTransaction, into result: inout CacheMaintenance) throws {
        if let row = try tx.row(
            "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0)::BIGINT AS bytes FROM response_cache")
        {
            result.remainingEntries = try row("n")
            result.remainingBytes = try row("bytes")
        }
    }
}
