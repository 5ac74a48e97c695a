import Foundation
import PilothouseCore
import PilothouseEngine
import Testing

/// The webhook outbox on every backend: rows written with the bead they announce, due rows,
/// delivered and failed ones (with their backoff) as another engine sees them.
@Suite(.timeLimit(.minutes(3))) struct StoreContractOutboxTests {
    @Test(arguments: StoreBackend.allCases)
    func aJobReachingTheApprovalGateWritesOneOutboxRowWithItsBead(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        let job = try store.enqueue(Job(title: "t", goal: "g"))
        _ = try #require(try store.claimNextJob(owner: "engine", leaseUntil: .distantFuture))
        // Claiming (queued → running) announces nothing.
        #expect(try store.dueOutbox(now: .distantFuture, limit: 10).isEmpty)
        try store.finishRun(job.id, to: .awaitingApproval, message: "waiting; key AKIAIOSFODNN7EXAMPLE")

        let due = try store.dueOutbox(now: .distantFuture, limit: 10)
        #expect(due.count == 1)
        let row = try #require(due.first)
        #expect(row.event == .approvalWaiting)
        #expect(row.jobID == job.id)
        #expect(row.attempts == 0)
        let payload = try JSONDecoder().decode(WebhookPayload.self, from: Data(row.payload.utf8))
        let bead = try #require(try store.beads(jobID: job.id, limit: nil).last)
        #expect(payload.beadSeq == bead.seq)
        #expect(payload.kind == "state_changed")
        #expect(payload.metadata["to"] == "awaiting_approval")
        // Redacted like the bead itself.
        #expect(!row.payload.contains("AKIAIOSFODNN7EXAMPLE"))
        #expect(payload.message == bead.message)
        // Due from the moment of the bead, not before.
        #expect(try store.dueOutbox(now: Date(timeIntervalSince1970: 0), limit: 10).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func aFailedDeliveryWaitsForItsBackoffAndADeliveredOneIsGoneForEveryHandle(_ backend: StoreBackend) throws
    {
        let underTest = try backend.makeStore()
        let store = underTest.store
        let other = try underTest.anotherHandle()
        try store.appendBead(jobID: nil, kind: .runFinished, stage: nil, message: "run over", metadata: [:])
        try store.appendBead(jobID: nil, kind: .merged, stage: nil, message: "merged", metadata: [:])
        let rows = try store.dueOutbox(now: .distantFuture, limit: 10)
        #expect(rows.map(\.event) == [.runFinished, .merged])
        #expect(Set(rows.map(\.deliveryID)).count == 2)
        #expect(try store.dueOutbox(now: .distantFuture, limit: 1).map(\.event) == [.runFinished])

        let retryAt = Date().addingTimeInterval(3_600)
        try store.markOutboxFailed(
            id: rows[0].id, error: "http://127.0.0.1:9/ answered HTTP 503", nextAttemptAt: retryAt)
        #expect(try other.dueOutbox(now: Date(), limit: 10).map(\.event) == [.merged])
        let retried = try #require(try other.dueOutbox(now: retryAt, limit: 10).first)
        #expect(retried.deliveryID == rows[0].deliveryID)
        #expect(retried.attempts == 1)
        #expect(retried.lastError == "http://127.0.0.1:9/ answered HTTP 503")
        #expect(try other.failingOutboxCount() == 1)
        let failedBead = try #require(try store.beads().first { $0.kind == .webhookFailed })
        #expect(failedBead.message.contains("HTTP 503"))

        try other.markOutboxDelivered(id: rows[0].id, message: "delivered")
        // A second engine finishing the same row records nothing more.
        try store.markOutboxDelivered(id: rows[0].id, message: "delivered again")
        try store.markOutboxFailed(id: rows[0].id, error: "late failure", nextAttemptAt: retryAt)
        #expect(try store.dueOutbox(now: .distantFuture, limit: 10).map(\.event) == [.merged])
        #expect(try store.failingOutboxCount() == 0)
        #expect(try store.beads().filter { $0.kind == .webhookDelivered }.map(\.message) == ["delivered"])
        #expect(try store.beads().filter { $0.kind == .webhookFailed }.count == 1)
        // Delivery beads announce nothing themselves.
        #expect(try store.dueOutbox(now: .distantFuture, limit: 10).count == 1)
        #expect(try store.verifyBeads(against: nil) == .ok(count: 4))
    }

    @Test(arguments: StoreBackend.allCases)
    func anExpiredDeliveryLeavesThePendingSetWithItsBead(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        try store.appendBead(jobID: nil, kind: .merged, stage: nil, message: "merged", metadata: [:])
        let row = try #require(try store.dueOutbox(now: .distantFuture, limit: 10).first)
        try store.markOutboxExpired(id: row.id, message: "not sent: older than 72 h")
        try store.markOutboxExpired(id: row.id, message: "twice")
        #expect(try store.dueOutbox(now: .distantFuture, limit: 10).isEmpty)
        #expect(
            try store.beads().filter { $0.kind == .webhookExpired }.map(\.message) == [
                "not sent: older than 72 h"
            ])
    }

    /// `pilothouse gc` prunes settled deliveries older than its age; a pending one is never
    /// touched, whatever its age.
    @Test(arguments: StoreBackend.allCases)
    func gcDeletesSettledDeliveriesOnly(_ backend: StoreBackend) throws {
        let store = try backend.makeStore().store
        try store.appendBead(jobID: nil, kind: .runFinished, stage: nil, message: "run over", metadata: [:])
        try store.appendBead(jobID: nil, kind: .merged, stage: nil, message: "merged", metadata: [:])
        let rows = try store.dueOutbox(now: .distantFuture, limit: 10)
        try store.markOutboxDelivered(id: rows[0].id, message: "delivered")
        #expect(
            try store.deleteSettledOutbox(settledBefore: Date().addingTimeInterval(-60), dryRun: false) == 0)
        let later = Date().addingTimeInterval(60)
        #expect(try store.deleteSettledOutbox(settledBefore: later, dryRun: true) == 1)
        #expect(try store.deleteSettledOutbox(settledBefore: later, dryRun: false) == 1)
        #expect(try store.deleteSettledOutbox(settledBefore: later, dryRun: false) == 0)
        #expect(try store.dueOutbox(now: .distantFuture, limit: 10).map(\.event) == [.merged])
        #expect(try store.verifyBeads(against: nil) == .ok(count: 3))
    }
}
