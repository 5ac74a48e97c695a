import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// The response cache, transcripts and redaction.
@Suite("Gateway cache and transcripts")
struct GatewayCacheTests {
    let directory = TemporaryDirectory()

    @Test func hitMissAndCorruptEntryPurge() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        var config = GatewayFixture.config()
        config.gateway.cache.enabled = true
        config.gateway.cache.stages = ["plan"]
        let gateway = try GatewayFixture.gateway(config, store: store)
        let log = GatewayFixture.EventLog(gateway)
        let request = GatewayFixture.request(model: "simulated:sim-1")
        let first = try await gateway.complete(request)
        let second = try await gateway.complete(request)
        #expect(first.text == second.text)
        #expect(second.cost == .zero)
        #expect(try store.ledgerEntries().map(\.outcome) == ["ok", "cache_hit"])
        // Another stage is not cached.
        var review = request
        review.stage = .review
        _ = try await gateway.complete(review)
        _ = try await gateway.complete(review)
        #expect(try store.ledgerEntries().map(\.outcome) == ["ok", "cache_hit", "ok", "ok"])

        let key = ResponseCacheKey.make(request, route: ModelRoute(provider: "simulated", model: "sim-1"))
        try store.cacheCorruptForTesting(key: key)
        let third = try await gateway.complete(request)
        #expect(third.text == first.text)
        #expect(await gateway.corruptCacheEntriesPurged == 1)
        #expect(try store.ledgerEntries().last?.outcome == "ok")
        await eventually("a cacheEntryPurged event") { log.events.contains(.cacheEntryPurged(key: key)) }
    }

    @Test func responsesHoldingSecretsAreNotCached() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        var config = GatewayFixture.config()
        config.gateway.cache.enabled = true
        config.gateway.cache.stages = ["plan"]
        // A redactor that finds "secret" in every simulated answer stands in for a model that
        // leaks a key: such an answer must not be kept under .pilothouse/.
        let gateway = try GatewayFactory.make(
            config: config, store: store, runID: "run-test", redact: { $0.isEmpty ? $0 : "[REDACTED:test]" },
            environment: [:])
        let request = GatewayFixture.request(model: "simulated:sim-1")
        _ = try await gateway.complete(request)
        _ = try await gateway.complete(request)
        #expect(try store.ledgerEntries().map(\.outcome) == ["ok", "ok"])
        #expect(try store.cacheValidate().checked == 0)
    }

    @Test func validateAndPurgeCountAccurately() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let old = Date(timeIntervalSince1970: 1_700_000_000)
        for index in 0..<5 {
            try store.cacheStore(
                key: "k\(index)", stage: .plan, model: "m",
                payload: Data(repeating: UInt8(index), count: 100),
                maxBytes: 1_000_000, now: old.addingTimeInterval(Double(index) * 3600))
        }
        try store.cacheCorruptForTesting(key: "k1")
        try store.cacheCorruptForTesting(key: "k3")
        let validated = try store.cacheValidate()
        #expect(validated.checked == 5)
        #expect(validated.corruptPurged == 2)
        #expect(validated.remainingEntries == 3)
        #expect(validated.remainingBytes == 300)
        // k0 is older than 90 minutes before k4; then the size cap leaves one entry.
        let purged = try store.cachePurge(
            olderThan: 5400, maxBytes: 150, now: old.addingTimeInterval(4 * 3600))
        #expect(purged.checked == 3)
        #expect(purged.corruptPurged == 0)
        #expect(purged.evicted == 2)
        #expect(purged.remainingEntries == 1)
        #expect(try store.cacheLookup(key: "k4", ttl: 86_400, now: old.addingTimeInterval(4 * 3600)) != .miss)
        let all = try store.cachePurge(olderThan: nil, maxBytes: nil)
        #expect(all.evicted == 1)
        #expect(all.remainingEntries == 0)
    }

    @Test func entriesExpireAfterTheirTTLAndTheSizeCapEvictsLeastRecentlyUsed() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        try store.cacheStore(
            key: "a", stage: nil, model: "m", payload: Data(count: 100), maxBytes: 250, now: start)
        try store.cacheStore(
            key: "b", stage: nil, model: "m", payload: Data(count: 100), maxBytes: 250,
            now: start.addingTimeInterval(1))
        _ = try store.cacheLookup(key: "a", ttl: 3600, now: start.addingTimeInterval(2))
        try store.cacheStore(
            key: "c", stage: nil, model: "m", payload: Data(count: 100), maxBytes: 250,
            now: start.addingTimeInterval(3))
        #expect(try store.cacheLookup(key: "b", ttl: 3600, now: start.addingTimeInterval(4)) == .miss)
        #expect(try store.cacheLookup(key: "a", ttl: 3600, now: start.addingTimeInterval(4)) != .miss)
        #expect(try store.cacheLookup(key: "c", ttl: 10, now: start.addingTimeInterval(60)) == .miss)
    }

    @Test func transcriptsAreStoredOnlyWhenEnabledAndAlwaysRedacted() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        var config = GatewayFixture.config()
        let quiet = try GatewayFactory.make(
            config: config, store: store, runID: nil,
            redact: { $0.replacingOccurrences(of: "sk-secret", with: "[REDACTED]") })
        _ = try await quiet.complete(
            GatewayFixture.request(model: "simulated:sim-1", content: "key sk-secret"))
        #expect(try store.transcripts().isEmpty)
        config.gateway.gateway.transcripts = true
        let recording = try GatewayFactory.make(
            config: config, store: store, runID: nil,
            redact: { $0.replacingOccurrences(of: "sk-secret", with: "[REDACTED]") })
        _ = try await recording.complete(
            GatewayFixture.request(model: "simulated:sim-1", content: "key sk-secret"))
        let transcripts = try store.transcripts()
        #expect(transcripts.count == 1)
        #expect(transcripts.first?.prompt.contains("key [REDACTED]") == true)
        #expect(transcripts.first?.prompt.contains("sk-secret") == false)
        #expect(transcripts.first?.response.contains("sk-secret") == false)
    }
}
