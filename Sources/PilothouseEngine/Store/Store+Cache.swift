import Crypto
import Foundation
import GRDB
import PilothouseCore

extension Store {
    /// SHA-256 in lower-case hex.
    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// Reads a cache entry, verifying its bytes against the stored SHA-256 and its age against
    /// `ttl`. Corrupt and expired entries are deleted on the spot, so a bad entry costs one
    /// miss rather than a stage fed garbage.
    public func cacheLookup(key: String, ttl: TimeInterval, now: Date = Date()) throws -> CacheLookup {
        try write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT payload, sha256, created_at FROM response_cache WHERE key = ?",
                    arguments: [key])
            else { return .miss }
            let payload: Data = row["payload"]
            let created = Store.date(row["created_at"])
            if now.timeIntervalSince(created) > ttl {
                try db.execute(sql: "DELETE FROM response_cache WHERE key = ?", arguments: [key])
                return .miss
            }
            guard Store.sha256Hex(payload) == (row["sha256"] as String) else {
                try db.execute(sql: "DELETE FROM response_cache WHERE key = ?", arguments: [key])
                return .corrupt
            }
            try db.execute(
                sql: "UPDATE response_cache SET last_used_at = ? WHERE key = ?",
                arguments: [Store.millis(now), key])
            return .hit(payload)
        }
    }

    /// Stores an entry, then evicts least recently used entries until the cache fits `maxBytes`.
    public func cacheStore(
        key: String, stage: StageName?, model: String, payload: Data, maxBytes: Int, now: Date = Date()
    ) throws {
        try write { db in
            let millis = Store.millis(now)
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO response_cache (key, stage, model, payload, sha256, size, created_at, last_used_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key, stage?.rawValue, model, payload, Store.sha256Hex(payload), payload.count, millis,
                    millis,
                ])
            _ = try Store.evictLRU(db, maxBytes: maxBytes)
        }
    }

    /// Checks every entry's SHA-256, deleting the corrupt ones.
    public func cacheValidate() throws -> CacheMaintenance {
        try write { db in
            var result = CacheMaintenance()
            let rows = try Row.fetchAll(db, sql: "SELECT key, payload, sha256 FROM response_cache")
            for row in rows {
                result.checked += 1
                let payload: Data = row["payload"]
                if Store.sha256Hex(payload) != (row["sha256"] as String) {
                    try db.execute(
                        sql: "DELETE FROM response_cache WHERE key = ?", arguments: [row["key"] as String])
                    result.corruptPurged += 1
                }
            }
            try Store.fillRemaining(db, into: &result)
            return result
        }
    }

    /// Deletes entries older than `olderThan` (all entries when both limits are nil) and
    /// then least recently used ones beyond `maxBytes`; corrupt entries go too.
    public func cachePurge(olderThan: TimeInterval?, maxBytes: Int?, now: Date = Date()) throws
        -> CacheMaintenance
    {
        try write { db in
            var result = CacheMaintenance()
            result.checked = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM response_cache") ?? 0
            for row in try Row.fetchAll(db, sql: "SELECT key, payload, sha256 FROM response_cache") {
                let payload: Data = row["payload"]
                if Store.sha256Hex(payload) != (row["sha256"] as String) {
                    try db.execute(
                        sql: "DELETE FROM response_cache WHERE key = ?", arguments: [row["key"] as String])
                    result.corruptPurged += 1
                }
            }
            if olderThan == nil && maxBytes == nil {
                try db.execute(sql: "DELETE FROM response_cache")
                result.evicted += db.changesCount
            }
            if let olderThan {
                let cutoff = Store.millis(now.addingTimeInterval(-olderThan))
                try db.execute(sql: "DELETE FROM response_cache WHERE created_at < ?", arguments: [cutoff])
                result.evicted += db.changesCount
            }
            if let maxBytes { result.evicted += try Store.evictLRU(db, maxBytes: maxBytes) }
            try Store.fillRemaining(db, into: &result)
            return result
        }
    }

    public func cacheStatistics() throws -> CacheMaintenance {
        try read { db in
            var result = CacheMaintenance()
            try Store.fillRemaining(db, into: &result)
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

    private static func evictLRU(_ db: Database, maxBytes: Int) throws -> Int {
        var total = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(size), 0) FROM response_cache") ?? 0
        var evicted = 0
        guard total > maxBytes else { return 0 }
        let rows = try Row.fetchAll(
            db, sql: "SELECT key, size FROM response_cache ORDER BY last_used_at, created_at")
        for row in rows where total > maxBytes {
            try db.execute(sql: "DELETE FROM response_cache WHERE key = ?", arguments: [row["key"] as String])
            total -= row["size"] as Int
            evicted += 1
        }
        return evicted
    }

    private static func fillRemaining(_ db: Database, into result: inout CacheMaintenance) throws {
        if let row = try Row.fetchOne(
            db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM response_cache")
        {
            result.remainingEntries = row["n"]
            result.remainingBytes = row["bytes"]
        }
    }
}
