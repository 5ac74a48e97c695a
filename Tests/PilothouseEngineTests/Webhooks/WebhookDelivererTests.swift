import Foundation
import PilothouseCore
import PilothouseSQLiteStore
import Testing

@testable import PilothouseEngine

/// Deliveries over real HTTP to a receiver on 127.0.0.1 that checks every signature, from a
/// real SQLite outbox.
@Suite(.timeLimit(.minutes(2))) struct WebhookDelivererTests {
    static let secret = "It's a Secret to Everybody"

    /// RFC 4231 test case 2: the signature is plain HMAC-SHA256, hex, as GitHub's.
    @Test func theSignatureIsHMACSHA256InHex() {
        #expect(
            WebhookSignature.sign(Data("what do ya want for nothing?".utf8), secret: Data("Jefe".utf8))
                == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func theBackoffDoublesFromOneSecondToFiveMinutes() {
        #expect(
            (1...10).map { WebhookDeliverer.backoff(afterFailures: $0) } == [
                1, 2, 4, 8, 16, 32, 64, 128, 256, 300,
            ])
        #expect(WebhookDeliverer.backoff(afterFailures: 10_000) == 300)
    }

    /// A receiver that answers 401 to a bad signature and 503 while "down".
    private func receiver(down: Int) async throws -> ScriptedHTTPServer {
        let server = try await ScriptedHTTPServer()
        let remaining = Counter(down)
        server.respond { request in
            let signed = WebhookSignature.sign(request.body, secret: Data(Self.secret.utf8))
            guard request.headers["x-pilothouse-signature-256"] == signed else {
                return .json("{\"error\":\"bad signature\"}", status: 401)
            }
            return remaining.takeOne() ? .json("{}", status: 503) : .json("{}")
        }
        return server
    }

    private func deliverer(
        _ url: String, secret: String = secret, events: Set<WebhookEvent>, store: SQLiteStore
    )
        throws -> WebhookDeliverer
    {
        let settings = WebhookSettings(
            url: url, events: events, secretEnv: "HOOK_SECRET",
            missingSecret: .unreadable(path: "p.toml", reason: "unset"))
        return try WebhookDeliverer(
            webhooks: [settings], environment: ["HOOK_SECRET": secret], store: store, timeout: .seconds(5))
    }

    @Test func aDeliveryIsRetriedAfterTheReceiverWasDownAndKeepsItsIDAndSignature() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteStore.openOrCreate(path: directory.file("hooks.db"))
        let server = try await receiver(down: 1)
        defer { Task { await server.shutdown() } }
        try store.appendBead(jobID: nil, kind: .runFinished, stage: nil, message: "all done", metadata: [:])
        let hooks = try deliverer(server.baseURL + "/hook", events: [.runFinished], store: store)

        let first = try await hooks.deliverDue()
        guard case .failed(_, .runFinished, let error, let retryAt) = try #require(first.first) else {
            Issue.record("the first attempt should fail: \(first)")
            return
        }
        #expect(error.contains("HTTP 503"))
        #expect(retryAt > Date())
        #expect(try store.failingOutboxCount() == 1)
        // Not due yet: the backoff holds it back.
        #expect(try await hooks.deliverDue().isEmpty)
        let second = try await hooks.deliverDue(dueBy: retryAt)
        #expect(second.count == 1)
        if case .delivered(_, .runFinished, 1) = second.first {
        } else {
            Issue.record("not delivered: \(second)")
        }
        #expect(try store.dueOutbox(now: .distantFuture, limit: 10).isEmpty)
        #expect(try store.failingOutboxCount() == 0)

        let received = server.received
        #expect(received.count == 2)
        #expect(received.map(\.path) == ["/hook", "/hook"])
        #expect(received[0].headers["x-pilothouse-delivery"] == received[1].headers["x-pilothouse-delivery"])
        #expect(received[1].headers["x-pilothouse-event"] == "run_finished")
        let body = received[1].json
        #expect(body["delivery_id"] as? String == received[1].headers["x-pilothouse-delivery"])
        #expect(body["event"] as? String == "run_finished")
        #expect(body["timestamp"] is Int)
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["message"] as? String == "all done")
        #expect(data["kind"] as? String == "run_finished")
        #expect(try store.beads().map(\.kind) == [.runFinished, .webhookFailed, .webhookDelivered])
    }

    @Test func aWrongSecretOrAClosedPortIsAFailureThatStaysInTheOutbox() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteStore.openOrCreate(path: directory.file("hooks.db"))
        let server = try await receiver(down: 0)
        defer { Task { await server.shutdown() } }
        try store.appendBead(jobID: nil, kind: .merged, stage: nil, message: "merged", metadata: [:])

        let wrong = try deliverer(server.baseURL, secret: "not the secret", events: [.merged], store: store)
        let reports = try await wrong.deliverDue()
        #expect(reports.map(\.text).first?.contains("HTTP 401") == true)

        let closed = try await ScriptedHTTPServer()
        let closedURL = closed.baseURL
        await closed.shutdown()
        let down = try deliverer(closedURL, events: [.merged], store: store)
        let refused = try await down.deliverDue(dueBy: .distantFuture)
        guard case .failed(_, _, let error, _) = try #require(refused.first) else {
            Issue.record("a closed port should fail: \(refused)")
            return
        }
        #expect(error.contains(closedURL))
        let row = try #require(try store.dueOutbox(now: .distantFuture, limit: 10).first)
        #expect(row.attempts == 2)
        #expect(WebhookDeliverer.backoff(afterFailures: row.attempts) == 2)
    }

    @Test func aReceiverThatIsDownCostsOneAttemptPerPassNotOnePerPendingRow() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteStore.openOrCreate(path: directory.file("hooks.db"))
        let server = try await receiver(down: 10)
        defer { Task { await server.shutdown() } }
        for message in ["first", "second", "third"] {
            try store.appendBead(jobID: nil, kind: .merged, stage: nil, message: message, metadata: [:])
        }
        let hooks = try deliverer(server.baseURL, events: [.merged], store: store)
        let reports = try await hooks.deliverDue(dueBy: .distantFuture)
        #expect(reports.count == 1)
        #expect(server.received.count == 1)
        #expect(try store.dueOutbox(now: .distantFuture, limit: 10).map(\.attempts) == [1, 0, 0])
    }

    @Test func anEventOlderThanThreeDaysIsExpiredUnsent() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteStore.openOrCreate(path: directory.file("hooks.db"))
        let server = try await receiver(down: 0)
        defer { Task { await server.shutdown() } }
        try store.appendBead(jobID: nil, kind: .merged, stage: nil, message: "old news", metadata: [:])
        let hooks = try deliverer(server.baseURL, events: [.merged], store: store)
        let justInTime = try await hooks.deliverDue(
            dueBy: .distantFuture, limit: 10, now: Date().addingTimeInterval(WebhookDeliverer.maxAge - 60))
        #expect(justInTime.isEmpty == false)
        if case .delivered = justInTime.first {
        } else {
            Issue.record("a young event should go out: \(justInTime)")
        }

        try store.appendBead(jobID: nil, kind: .merged, stage: nil, message: "older news", metadata: [:])
        let late = try await hooks.deliverDue(
            dueBy: .distantFuture, limit: 10, now: Date().addingTimeInterval(WebhookDeliverer.maxAge + 60))
        guard case .expired(_, .merged, _) = try #require(late.first) else {
            Issue.record("an old event should expire: \(late)")
            return
        }
        #expect(server.received.count == 1)
        #expect(try store.dueOutbox(now: .distantFuture, limit: 10).isEmpty)
        #expect(try store.beads().last?.kind == .webhookExpired)
    }

    @Test func anEventNoWebhookSubscribesToIsSettledWithoutARequest() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteStore.openOrCreate(path: directory.file("hooks.db"))
        let server = try await receiver(down: 0)
        defer { Task { await server.shutdown() } }
        try store.appendBead(jobID: nil, kind: .merged, stage: nil, message: "merged", metadata: [:])
        let hooks = try deliverer(server.baseURL, events: [.quarantined], store: store)
        let reports = try await hooks.deliverDue()
        #expect(reports.count == 1)
        if case .delivered(_, .merged, 0) = reports.first {} else { Issue.record("not settled: \(reports)") }
        #expect(server.received.isEmpty)
    }
}

/// How many more requests the receiver refuses.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int
    init(_ value: Int) { self.value = value }
    func takeOne() -> Bool {
        lock.withLock {
            guard value > 0 else { return false }
            value -= 1
            return true
        }
    }
}
