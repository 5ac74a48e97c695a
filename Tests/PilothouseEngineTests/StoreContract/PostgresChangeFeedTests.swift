import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore
import Testing

/// The PostgreSQL store's change feed, as another process sees it: each test listens through
/// one store handle and writes through another (its own connection, as another engine's or
/// a command line's would be). Every wait has a time limit.
@Suite(.timeLimit(.minutes(2))) struct PostgresChangeFeedTests {
    /// Listens through a handle of its own on `url`, and waits until the feed listens.
    private func listen(_ url: PostgresStoreURL) async throws -> (PostgresStore, StreamRecorder<StoreChange>)
    {
        let store = try PostgresStore.open(url)
        let feed = try #require(store.changeFeed)
        let changes = StreamRecorder(feed.changes())
        try #require(await changes.eventually("the feed to listen") { $0 == .listening })
        return (store, changes)
    }

    @Test func committedEnqueueApprovalAndCancelReachAnotherProcess() async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let (_, changes) = try await listen(url)
        let writer = try PostgresStore.open(url, listen: false)
        let operations = JobOperations(store: writer, config: PilothouseConfig())

        let waiting = try writer.enqueue(Job(title: "waits for approval", goal: "g"))
        #expect(await changes.eventually("job_queued after an enqueue") { $0 == .jobQueued })
        #expect(await changes.eventually("bead_appended after an enqueue") { $0 == .beadAppended })

        _ = try #require(try writer.claimNextJob(owner: "engine-a", leaseUntil: Date() + 60, excluding: []))
        try writer.finishRun(waiting.id, to: .awaitingApproval, message: "waiting")
        _ = try operations.approve(waiting.id, hunks: nil, by: "operator")
        #expect(await changes.eventually("approval_decided after an approval") { $0 == .approvalDecided })

        let running = try writer.enqueue(Job(title: "cancelled while running", goal: "g"))
        _ = try #require(try writer.claimNextJob(owner: "engine-a", leaseUntil: Date() + 60, excluding: []))
        #expect(changes.count { $0 == .jobStopped(running.id) } == 0)
        try operations.cancel(running.id)
        #expect(
            await changes.eventually("job_stopped of the cancelled job") { $0 == .jobStopped(running.id) })

        try writer.setBudgetLimit(scope: .day, key: "", limit: Money(micros: 5_000_000), mode: .enforce)
        #expect(
            await changes.eventually("budget_changed after a limit without a bead") { $0 == .budgetChanged })
        // The feed never said it was down.
        #expect(changes.count { if case .interrupted = $0 { true } else { false } } == 0)
    }

    /// NOTIFY is part of the transaction: a write that fails at its very COMMIT (a deferred
    /// constraint refuses it, after the store sent its `pg_notify`) announces nothing.
    @Test func aWriteRolledBackAtCommitAnnouncesNothing() async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let (_, changes) = try await listen(url)
        let writer = try PostgresStore.open(url, listen: false)
        try PostgresTestCluster.execute(
            """
            CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.title = 'poison' THEN RAISE EXCEPTION 'poison refused at commit'; END IF; RETURN NULL; END $$;
            CREATE CONSTRAINT TRIGGER refuse_poison AFTER INSERT ON jobs DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION refuse_poison();
            """, in: url.database)
        #expect(throws: StoreError.self) { try writer.enqueue(Job(title: "poison", goal: "g")) }
        #expect(try writer.jobs().isEmpty)
        // A write after it that commits: notifications arrive in commit order, so had the
        // rolled-back enqueue announced anything, it would be here before this one.
        try writer.setBudgetLimit(scope: .day, key: "", limit: Money(micros: 1), mode: .enforce)
        #expect(await changes.eventually("the committed write's budget_changed") { $0 == .budgetChanged })
        #expect(changes.count { $0 == .jobQueued || $0 == .beadAppended } == 0)
    }

    /// The listening connection is killed on the server: subscribers hear of it once, the
    /// listener connects again by itself, and changes reach them again.
    @Test func theListenerComesBackAfterItsBackendIsTerminated() async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let (_, changes) = try await listen(url)
        let writer = try PostgresStore.open(url, listen: false)
        try PostgresTestCluster.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(url.database)' AND query LIKE 'LISTEN %'",
            in: "postgres")
        try #require(
            await changes.eventually("the feed to say it was interrupted") {
                if case .interrupted = $0 { true } else { false }
            })
        try #require(await changes.eventually("the feed to listen again", count: 2) { $0 == .listening })
        let job = try writer.enqueue(Job(title: "after the reconnect", goal: "g"))
        #expect(await changes.eventually("job_queued after the reconnect") { $0 == .jobQueued })
        _ = try #require(try writer.claimNextJob(owner: "engine-b", leaseUntil: Date() + 60, excluding: []))
        try writer.moveJob(job.id, from: [.running], to: .paused, message: "paused", resetAttempts: false)
        #expect(await changes.eventually("job_stopped after the reconnect") { $0 == .jobStopped(job.id) })
        #expect(changes.count { if case .interrupted = $0 { true } else { false } } == 1)
    }

    /// A second subscriber on the same handle (an engine and its console) shares the
    /// connection, hears at once that it listens, and gets every change too, own writes included.
    @Test func aSecondSubscriberSharesTheFeed() async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let (store, first) = try await listen(url)
        let second = StreamRecorder(try #require(store.changeFeed).changes())
        #expect(
            await second.eventually("the second subscriber to hear that the feed listens") {
                $0 == .listening
            })
        try store.enqueue(Job(title: "own write", goal: "g"))
        #expect(await first.eventually("job_queued, first subscriber") { $0 == .jobQueued })
        #expect(await second.eventually("job_queued, second subscriber") { $0 == .jobQueued })
    }

    @Test func aStoreOpenedWithoutListeningHasNoFeed() throws {
        let url = try PostgresTestCluster.freshDatabase()
        #expect(try PostgresStore.open(url, listen: false).changeFeed == nil)
        #expect(try PostgresStore.open(url).changeFeed != nil)
    }
}
