import Foundation
import PilothouseCore
import PilothouseEngine
import Testing

/// What `pilothouse doctor` finds in a store, on every backend (`StoreCheckup`).
@Suite struct StoreCheckupTests {
    private func finding(_ subject: String, in findings: [DoctorFinding]) throws -> DoctorFinding {
        try #require(findings.first { $0.subject == subject })
    }

    @Test(arguments: StoreBackend.allCases)
    func aHealthyStoreIsOkThroughout(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        try store.enqueue(Job(title: "t", goal: "g"))
        let findings = StoreCheckup.findings(store)
        #expect(findings.map(\.subject) == ["database", "engines", "leases"])
        #expect(findings.allSatisfy { $0.level == .ok })
        #expect(try finding("database", in: findings).detail.hasPrefix("integrity ok, 1 beads verified"))
        #expect(try finding("engines", in: findings).detail == "none running")
    }

    @Test(arguments: StoreBackend.allCases)
    func aLostEngineAndAnExpiredLeaseAreWorthALook(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let now = Date()
        try store.registerEngine(
            EngineRecord(
                owner: "engine-dead", host: "host-a", pid: 4242, version: "test",
                startedAt: now.addingTimeInterval(-900), heartbeatAt: now.addingTimeInterval(-600),
                leaseSeconds: 60),
            forgetAfter: 86_400)
        try store.registerEngine(
            EngineRecord(
                owner: "engine-alive", host: "host-b", pid: 7, version: "test", startedAt: now,
                heartbeatAt: now,
                leaseSeconds: 60),
            forgetAfter: 86_400)
        try store.enqueue(Job(title: "held", goal: "g"))
        try store.enqueue(Job(title: "fresh", goal: "g"))
        _ = try store.claimNextJob(owner: "engine-dead", leaseUntil: now.addingTimeInterval(-30))
        _ = try store.claimNextJob(owner: "engine-alive", leaseUntil: now.addingTimeInterval(60))

        let findings = StoreCheckup.findings(store, now: now)
        let engines = try finding("engines", in: findings)
        #expect(engines.level == .warn)
        #expect(engines.detail.contains("1 of 2 lost"))
        #expect(engines.detail.contains("engine-dead (host-a pid 4242, silent 600 s, 1 job held)"))
        #expect(!engines.detail.contains("engine-alive"))
        let leases = try finding("leases", in: findings)
        #expect(leases.level == .warn)
        #expect(leases.detail.hasPrefix("1 job held under an expired lease (engine-dead)"))
        #expect(try finding("database", in: findings).level == .ok)
    }
}
