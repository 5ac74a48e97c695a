import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Reads a cache entry, verifying its bytes against the stored SHA-256 and its age against
    /// `ttl`. Corrupt and expired entries are deleted on the spot, so a bad entry costs one
    /// miss rather than a stage fed garbage.
    public func cacheLookup(key: String, ttl: TimeInterval, now: Date) throws -> CacheLookup {
        try write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT payload, sha256, created_at FROM response_cache WHERE key = ?",
                    arguments: [key])
            else { return .miss }
            let created = Int64.fromDatabaseValue(row["created_at"]).map(SQLiteStore.date)
            if let created, now.timeIntervalSince(created) > ttl {
                try db.execute(sql: "DELETE FROM response_cache WHERE key = ?", arguments: [key])
                return .miss
            }
            guard created != nil, let payload = SQLiteStore.intactPayload(row) else {
                try db.execute(sql: "DELETE FROM response_cache WHERE key = ?", arguments: [key])
                return .corrupt
            }
            try db.execute(
                sql: "UPDATE response_cache SET last_used_at = ? WHERE key = ?",
                arguments: [SQLiteStore.millis(now), key])
            return .hit(payload)
        }
    }

    /// Stores an entry, then evicts least recently used entries until the cache fits `maxBytes`.
    public func cacheStore(
        key: String, stage: StageName?, model: String, payload: Data, maxBytes: Int, now: Date
    ) throws {
        try write { db in
            let millis = SQLiteStore.millis(now)
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO response_cache (key, stage, model, payload, sha256, size, created_at, last_used_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key, stage?.rawValue, model, payload, SHA256Hex.of(payload), payload.count, millis,
                    millis,
                ])
            _ = try SQLiteStore.evictLRU(db, maxBytes: maxBytes)
        }
    }

    /// Checks every entry's SHA-256, deleting the corrupt ones.
    public func cacheValidate() throws -> CacheMaintenance {
        try write { db in
            var result = CacheMaintenance()
            result.checked = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM response_cache") ?? 0
            result.corruptPurged = try SQLiteStore.deleteCorrupt(db)
            try SQLiteStore.fillRemaining(db, into: &result)
            return result
        }
    }

    /// Deletes entries older than `olderThan` (all entries when both limits are nil) and
    /// then least recently used ones beyond `maxBytes`; corrupt entries go too.
    public func cachePurge(olderThan: TimeInterval?, maxBytes: Int?, now: Date) throws
        -> CacheMaintenance
    {
        try write { db in
            var result = CacheMaintenance()
            result.checked = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM response_cache") ?? 0
            result.corruptPurged = try SQLiteStore.deleteCorrupt(db)
            if olderThan == nil && maxBytes == nil {
                try db.execute(sql: "DELETE FROM response_cache")
                result.evicted += db.changesCount
            }
            if let olderThan {
                let cutoff = SQLiteStore.millis(now.addingTimeInterval(-olderThan))
                try db.execute(sql: "DELETE FROM response_cache WHERE created_at < ?", arguments: [cutoff])
                result.evicted += db.changesCount
            }
            if let maxBytes { result.evicted += try SQLiteStore.evictLRU(db, maxBytes: maxBytes) }
            try SQLiteStore.fillRemaining(db, into: &result)
            return result
        }
    }

    public func cacheStatistics() throws -> CacheMaintenance {
        try read { db in
            var result = CacheMaintenance()
            try SQLiteStore.fillRemaining(db, into: &result)
            return result
        }
    }

    /// Overwrites an entry's bytes without updating its hash: what disk or hand damage does.
    /// Exists for tests and drills of `cache validate`.
    public func cacheCorruptForTesting(key: String) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE response_cache SET payload = X'DEADBEEF' WHERE key = ?", arguments: [key])
        }
    }

    /// Deletes every entry whose bytes fail their SHA-256, and returns how many went.
    private static func deleteCorrupt(_ db: Database) throws -> Int {
        var deleted = 0
        for row in try Row.fetchAll(db, sql: "SELECT rowid, payload, sha256 FROM response_cache")
        where intactPayload(row) == nil {
            try db.execute(
                sql: "DELETE FROM response_cache WHERE rowid = ?", arguments: [row["rowid"] as Int64])
            deleted += 1
        }
        return deleted
    }

    /// An entry's bytes when they match its SHA-256. A value of another type (a hand edit
    /// through `sqlite3` can store an integer or NULL-like value anywhere) is damage like a
    /// wrong byte: nil, never the crash a typed read of it would be.
    private static func intactPayload(_ row: Row) -> Data? {
        guard let payload = Data.fromDatabaseValue(row["payload"]),
            let hash = String.fromDatabaseValue(row["sha256"]), SHA256Hex.of(payload) == hash
        else { return nil }
        return payload
    }

    private static func evictLRU(_ db: Database, maxBytes: Int) throws -> Int {
        var total =
            try Int.fetchOne(db, sql: "SELECT CAST(COALESCE(SUM(size), 0) AS INTEGER) FROM response_cache")
            ?? 0
        var evicted = 0
        guard total > maxBytes else { return 0 }
        let rows = try Row.fetchAll(
            db, sql: "SELECT rowid, size FROM response_cache ORDER BY last_used_at, created_at")
        for row in rows where total > maxBytes {
            try db.execute(
                sql: "DELETE FROM response_cache WHERE rowid = ?", arguments: [row["rowid"] as Int64])
            total -= Int.fromDatabaseValue(row["size"]) ?? 0
            evicted += 1
        }
        return evicted
    }

    private static func fillRemaining(_ db: Database, into result: inout CacheMaintenance) throws {
        if let row = try Row.fetchOne(
            db,
            sql: "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(size), 0) AS INTEGER) AS bytes FROM response_cache")
        {
            result.remainingEntries = row["n"]
            result.remainingBytes = row["bytes"]
        }
    }
}
