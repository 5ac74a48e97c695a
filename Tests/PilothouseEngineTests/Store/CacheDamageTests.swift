import Foundation
import GRDB
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// A response-cache entry damaged by hand (`sqlite3` edits, another tool) is a corrupt entry:
/// a lookup misses and deletes it, validate and purge count and delete it. Never a crash, since
/// the gateway reads the cache in the middle of a run and `cache validate` exists to clean up.
@Suite struct CacheDamageTests {
    let directory = TemporaryDirectory()

    /// SQL that leaves the entry `key` with values of the wrong type, as a hand edit can.
    static let damages = [
        "UPDATE response_cache SET payload = 42 WHERE key = 'k'",
        "UPDATE response_cache SET payload = 4.5 WHERE key = 'k'",
        "UPDATE response_cache SET sha256 = 7 WHERE key = 'k'",
        "UPDATE response_cache SET payload = X'' WHERE key = 'k'",
        "UPDATE response_cache SET payload = X'DEADBEEF' WHERE key = 'k'",
    ]

    private func store(damage: String) throws -> SQLiteStore {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        for key in ["k", "good"] {
            try store.cacheStore(
                key: key, stage: .analyze, model: "simulated:sim-1", payload: Data("{\"text\":\"hi\"}".utf8),
                maxBytes: 1 << 20)
        }
        try store.write { db in try db.execute(sql: damage) }
        return store
    }

    @Test(arguments: damages) func validateCountsAndDeletesTheDamagedEntry(damage: String) throws {
        let store = try store(damage: damage)
        let result = try store.cacheValidate()
        #expect(result.checked == 2)
        #expect(result.corruptPurged == 1)
        #expect(result.remainingEntries == 1)
        #expect(try store.cacheLookup(key: "good", ttl: 3600) == .hit(Data("{\"text\":\"hi\"}".utf8)))
        #expect(try store.cacheValidate().corruptPurged == 0)
    }

    @Test(arguments: damages) func aLookupOfTheDamagedEntryIsCorruptAndDeletesIt(damage: String) throws {
        let store = try store(damage: damage)
        #expect(try store.cacheLookup(key: "k", ttl: 3600) == .corrupt)
        #expect(try store.cacheLookup(key: "k", ttl: 3600) == .miss)
        #expect(try store.cacheStatistics().remainingEntries == 1)
    }

    @Test(arguments: damages) func purgeCountsTheDamagedEntryAsCorrupt(damage: String) throws {
        let store = try store(damage: damage)
        let result = try store.cachePurge(olderThan: 3600, maxBytes: nil)
        #expect(result.corruptPurged == 1)
        #expect(result.remainingEntries == 1)
    }

    /// A size of another type (or a fraction) neither crashes the size cap nor the totals.
    @Test(arguments: ["'big'", "4.5"]) func aDamagedSizeStillLetsTheCapEvict(size: String) throws {
        let store = try store(damage: "UPDATE response_cache SET size = \(size) WHERE key = 'k'")
        let result = try store.cachePurge(olderThan: nil, maxBytes: 1)
        #expect(result.corruptPurged == 0)
        #expect(result.remainingEntries == 0)
    }
}
