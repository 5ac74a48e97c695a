import Foundation
import GRDB
import PilothouseCore
import PilothousePostgresStore
import PilothouseSQLiteStore
import Testing

@testable import PilothouseEngine

/// `pilothouse store copy`: a whole store moved between backends row for row, its chain
/// verifying with the same head, and every refusal leaving the target as it was.
@Suite struct StoreCopyTests {
    /// A SQLite store with something in every table: a chain of every kind of bead, odd text
    /// (escapes, quotes, newlines, emoji), binary blobs with NUL and bytes that are not UTF-8,
    /// an expired lease and a lost engine (history, not live), and the ledger and budgets.
    private func populatedSource(in directory: TemporaryDirectory) throws -> SQLiteStore {
        let path = directory.file("source.db")
        let store = try SQLiteStore.openOrCreate(path: path)
        let past = Date(timeIntervalSince1970: 1_700_000_000)
        let header = RunHeader(pilothouseVersion: "test", repoHead: "abc", configHash: "cfg", seed: 7)
        try store.beginRun(header)
        let odd = "quote \" back\\slash\nnew line \u{1b}[31mred\u{1b}[0m é 漢字 🚀 \u{202e}rtl"
        let blob = Data([0, 1, 2, 0xFF, 0xFE, 0, 0x80]) + Data(odd.utf8)
        let job = try store.enqueue(
            Job(title: odd, goal: "goal with\ttab", filesHint: ["a.swift", "ü.txt"]), operatorPatch: blob)
        let other = try store.enqueue(Job(title: "second", goal: "g", priority: .p0))
        try store.enqueue(Job(title: "third", goal: "g", sourcePlan: "PLAN.md", sourceAnchor: "#a"))
        try store.appendBead(
            jobID: job.id, kind: .comment, message: odd, metadata: ["key \u{1b}": odd, "empty": ""])
        try store.recordStageStarted(job.id, stage: .analyze, attempt: 1, at: past)
        try store.recordStageFinished(
            job.id, stage: .analyze, attempt: 1, output: .text(odd), message: "analyzed", at: past)
        try store.savePatch(Patch(jobID: job.id, attempt: 1, baseCommit: "base", diff: blob, filesChanged: 1))
        try store.savePatch(Patch(jobID: other.id, attempt: 1, baseCommit: "base", diff: Data("+x\n".utf8)))
        try store.quarantine(
            QuarantineRecord(jobID: other.id, reason: .malformedOutput, message: odd, payload: "{\"a\": 1}"))
        let call = try store.recordCall(
            LedgerEntry(
                runID: header.id.rawValue, jobID: job.id, stage: .analyze, provider: "sim", model: "m",
                requestedModel: "m", tokens: TokenCounts(input: 10, output: 20), cost: Money(micros: 1_234),
                outcome: "ok", attempt: 1, detail: odd))
        try store.settleBudget(
            keys: BudgetKeys(run: header.id.rawValue, day: "2026-11-29", job: job.id.rawValue),
            reserved: Money(micros: 10), actual: Money(micros: 7),
            entry: LedgerEntry(
                runID: nil, jobID: nil, stage: nil, provider: "sim", model: "m2", requestedModel: "m",
                cost: Money(micros: 7), outcome: "ok", attempt: 1))
        try store.setBudgetLimit(scope: .day, key: "", limit: Money(micros: 5_000_000), mode: .enforce)
        try store.appendTranscript(
            callID: call, jobID: job.id, stage: .analyze, model: "m", prompt: odd, response: "")
        try store.cacheStore(key: "k1", stage: .plan, model: "m", payload: blob, maxBytes: 1 << 20, now: past)
        try store.cacheStore(
            key: "k0", stage: nil, model: "m", payload: Data("{}".utf8), maxBytes: 1 << 20, now: past)
        try store.recordMergeTest(tree: "tree1", command: "make test", passed: true, output: odd)
        try store.recordMergeTest(tree: "tree2", command: "make test", passed: false, output: "")
        try store.recordLanding([
            (
                job: other.id,
                landing: MergeLanding(
                    mergeCommit: "m1", jobCommit: "j1", candidateTree: "t1", previousTip: "p0", newTip: "m1",
                    batchSize: 1)
            )
        ])
        _ = try store.claimScheduleSlot(name: "nightly", slot: past, firing: true, message: "fired")
        try store.registerEngine(
            EngineRecord(
                owner: "lost-engine", host: "elsewhere", pid: 4242, version: "0.9", startedAt: past,
                heartbeatAt: past, leaseSeconds: 30), forgetAfter: 1e9)
        // A lease that lapsed long ago: the engine that held it is gone.
        _ = try store.claimNextJob(owner: "lost-engine", leaseUntil: past)
        try store.endRun(header.id, exitCode: 0)
        // The tables no single call fills without a live lease: written as a person at the file would.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO merge_queue (job_id, attempt, priority, approved_at, entered_at, status)
                    VALUES (?, 1, 2, 1700000000000, 1700000000001, 'waiting');
                    INSERT INTO outbox (id, delivery_id, event, bead_seq, job_id, payload, created_at, attempts,
                        next_attempt_at, last_error, delivered_at)
                    VALUES (41, 'd-41', 'job.merged', 3, ?, '{"x": "\u{1b}"}', 1700000000000, 2, 1700000000000, 'refused', NULL);
                    INSERT INTO response_cache (key, stage, model, payload, sha256, size, created_at, last_used_at)
                    VALUES ('k-empty', NULL, 'm', X'', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 0, 1, 1);
                    """, arguments: [job.id.rawValue, job.id.rawValue])
        }
        return store
    }

    /// Every row of every table of `store`, in copy order.
    private func allRows(_ store: any StoreTransfer) throws -> [String: [StoreRow]] {
        try store.exportSnapshot { reader in
            var tables: [String: [StoreRow]] = [:]
            for table in StoreTables.all {
                var rows: [StoreRow] = []
                try reader.forEachBatch(of: table, batchRows: 7) { rows += $0 }
                tables[table.name] = rows
            }
            return tables
        }
    }

    private func transfer(_ backend: StoreBackend) throws -> (any StoreTransfer, StoreUnderTest) {
        let underTest = try backend.makeStore()
        return (try #require(underTest.store as? any StoreTransfer), underTest)
    }

    /// Runs a copy that must not go through, checks that the target still holds exactly what
    /// it held before, and returns why the copy stopped (nil, with an issue, if it went through).
    private func refusal(
        from source: any StoreTransfer, to target: any StoreTransfer, batchRows: Int? = nil,
        now: Date = Date(),
        progress: (StoreCopyProgress) throws -> Void = { _ in }
    ) throws -> StoreCopyError? {
        let before = try allRows(target)
        let error: StoreCopyError?
        do {
            let summary = try StoreCopy(from: source, to: target, batchRows: batchRows).run(
                now: now, progress: progress)
            Issue.record("the copy went through: \(summary.rows) rows")
            error = nil
        } catch let refused as StoreCopyError {
            error = refused
        }
        #expect(try allRows(target) == before, "the stopped copy changed the target")
        return error
    }

    @Test func aStoreRoundTripsThroughPostgreSQLRowForRowWithTheSameChainHead() throws {
        let directory = TemporaryDirectory()
        let source = try populatedSource(in: directory)
        let sourceRows = try allRows(source)
        for table in StoreTables.all where table.name != "bead_head" {
            #expect(sourceRows[table.name]?.isEmpty == false, "the source has no \(table.name) rows to copy")
        }
        let head = try source.beadCheckpoint()

        let postgres = try PostgresStore.open(try PostgresTestCluster.freshDatabase())
        let there = try StoreCopy(from: source, to: postgres, batchRows: 3).run()
        let back = try SQLiteStore.openOrCreate(path: directory.file("back.db"))
        let again = try StoreCopy(from: postgres, to: back, batchRows: 2).run()

        #expect(try allRows(postgres) == sourceRows)
        #expect(try allRows(back) == sourceRows)
        #expect(try postgres.beadCheckpoint() == head)
        #expect(try back.beadCheckpoint() == head)
        #expect(try postgres.verifyBeads() == .ok(count: Int(head.length)))
        #expect(there.headHash == head.hash && there.beads == head.length)
        #expect(there.tables == again.tables)
        #expect(there.rows == Int64(sourceRows.values.map(\.count).reduce(0, +)))
        #expect(there.tables.map(\.name) == StoreTables.all.map(\.name))

        // The copy is a working store: what it numbers itself comes after the copied ids, and
        // its chain goes on from the copied head.
        let copiedCalls = try #require(sourceRows["llm_calls"]?.compactMap { $0.values[0].integer }.max())
        for copy in [postgres as any PilothouseStore, back] {
            let id = try copy.recordCall(
                LedgerEntry(
                    runID: nil, jobID: nil, stage: nil, provider: "sim", model: "m", requestedModel: "m",
                    outcome: "ok", attempt: 1))
            #expect(id > copiedCalls)
            try copy.appendBead(jobID: nil, kind: .comment, message: "after the copy")
            #expect(try copy.verifyBeads() == .ok(count: Int(head.length) + 1))
            #expect(try copy.jobs(state: nil).count == 3)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aTargetThatHoldsRowsIsRefusedAndLeftUnchanged(_ backend: StoreBackend) throws {
        let directory = TemporaryDirectory()
        let source = try populatedSource(in: directory)
        let (target, keep) = try transfer(backend)
        try target.enqueue(Job(title: "already here", goal: "g"))
        #expect(
            try refusal(from: source, to: target) == .targetNotEmpty(location: target.location, table: "jobs")
        )
        withExtendedLifetime(keep) {}
    }

    /// Runs and jobs go in before the bad row: they are rolled back with it.
    @Test(arguments: StoreBackend.allCases)
    func aRowTheTargetRefusesRollsTheWholeCopyBack(_ backend: StoreBackend) throws {
        let directory = TemporaryDirectory()
        let source = try populatedSource(in: directory)
        // A stage result of a job that does not exist: only possible with foreign keys off.
        let queue = try DatabaseQueue(path: source.path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(
                sql:
                    "INSERT INTO stage_results (job_id, stage, attempt, status, output, started_at) VALUES ('gone', 'plan', 1, 'started', '', 1)"
            )
        }
        let (target, keep) = try transfer(backend)
        let error = try refusal(from: source, to: target)
        guard case .interrupted(let location, let table, let detail)? = error else {
            Issue.record("stopped for another reason: \(String(describing: error))")
            return
        }
        #expect(location == target.location)
        #expect(table == "stage_results")
        #expect(detail.lowercased().contains("foreign key"))
        withExtendedLifetime(keep) {}
    }

    @Test(arguments: StoreBackend.allCases)
    func aCopyCancelledMidwayWritesNothing(_ backend: StoreBackend) throws {
        let directory = TemporaryDirectory()
        let source = try populatedSource(in: directory)
        let (target, keep) = try transfer(backend)
        var seen: [StoreCopyProgress] = []
        let error = try refusal(from: source, to: target, batchRows: 1) { progress in
            seen.append(progress)
            if progress.table == "jobs" && progress.copied == 2 { throw CancellationError() }
        }
        #expect(
            error == .interrupted(location: target.location, table: "jobs", detail: "the copy was cancelled"))
        #expect(seen.first == StoreCopyProgress(table: "runs", copied: 1, total: 1))
        #expect(seen.last == StoreCopyProgress(table: "jobs", copied: 2, total: 3))
        withExtendedLifetime(keep) {}
    }

    @Test(arguments: StoreBackend.allCases)
    func aSourceWhoseChainDoesNotVerifyIsRefusedWithNothingWritten(_ backend: StoreBackend) throws {
        let directory = TemporaryDirectory()
        let source = try populatedSource(in: directory)
        let queue = try DatabaseQueue(path: source.path)
        try queue.write { db in try db.execute(sql: "UPDATE beads SET message = 'rewritten' WHERE seq = 3") }
        let (target, keep) = try transfer(backend)
        let error = try refusal(from: source, to: target)
        guard case .sourceChainBroken(let location, let problem)? = error else {
            Issue.record("stopped for another reason: \(String(describing: error))")
            return
        }
        #expect(location == source.location)
        #expect(problem.seq == 3)
        #expect(problem.problem == .edited)
        withExtendedLifetime(keep) {}
    }

    /// A head row that does not name the last bead (the newest beads deleted with the head
    /// left behind, or the head edited) is a broken chain too.
    @Test func aChainHeadThatDoesNotMatchTheBeadsIsRefused() throws {
        let directory = TemporaryDirectory()
        let source = try populatedSource(in: directory)
        let length = try source.beadCheckpoint().length
        let queue = try DatabaseQueue(path: source.path)
        try queue.write { db in try db.execute(sql: "DELETE FROM beads WHERE seq = ?", arguments: [length]) }
        let target = try SQLiteStore.openOrCreate(path: directory.file("target.db"))
        let error = try refusal(from: source, to: target)
        guard case .sourceChainBroken(_, let problem)? = error else {
            Issue.record("stopped for another reason: \(String(describing: error))")
            return
        }
        #expect(problem.problem == .deleted)
        #expect(problem.seq == length)
    }

    @Test func aLiveEngineOrAnUnexpiredLeaseOnTheSourceIsRefused() throws {
        let directory = TemporaryDirectory()
        let source = try populatedSource(in: directory)
        let target = try SQLiteStore.openOrCreate(path: directory.file("target.db"))
        let now = Date()
        try source.registerEngine(
            EngineRecord(
                owner: "alive", host: "here", pid: 7, version: "1", startedAt: now, heartbeatAt: now,
                leaseSeconds: 30), forgetAfter: 1e9)
        #expect(
            try refusal(from: source, to: target, now: now)
                == .engineRunning(
                    location: source.location, owner: "alive", host: "here", pid: 7, heartbeatSecondsAgo: 0))
        try source.retireEngine(owner: "alive")
        let leased = try #require(
            try source.claimNextJob(owner: "gone-quiet", leaseUntil: now.addingTimeInterval(60)))
        #expect(
            try refusal(from: source, to: target, now: now)
                == .leaseHeld(location: source.location, job: leased.id.rawValue, owner: "gone-quiet"))
        // Once the lease lapsed, the job is history like any other.
        #expect(try StoreCopy(from: source, to: target).run(now: now.addingTimeInterval(61)).beads > 0)
    }

    /// Values no store writes, put there by hand: refused by name, never cut or replaced.
    @Test(arguments: [
        ("goal", "CAST(X'61006200' AS TEXT)", "a NUL byte in its text"),
        ("goal", "CAST(X'61FF62' AS TEXT)", "bytes that are not UTF-8 text"),
        ("attempts", "'many'", "the text many where an integer belongs"),
    ])
    func aValueNoStoreWritesIsRefusedNamingItsRow(_ column: String, _ value: String, _ why: String) throws {
        let directory = TemporaryDirectory()
        let source = try populatedSource(in: directory)
        let job = try #require(try source.jobs(state: .queued).first)
        let queue = try DatabaseQueue(path: source.path)
        try queue.write { db in
            try db.execute(
                sql: "UPDATE jobs SET \(column) = \(value) WHERE id = ?", arguments: [job.id.rawValue])
        }
        let target = try PostgresStore.open(try PostgresTestCluster.freshDatabase())
        #expect(
            try refusal(from: source, to: target)
                == .uncopyableValue(
                    location: source.location, table: "jobs", column: column, row: "id=\(job.id.rawValue)",
                    why: why))
    }

    @Test func aTargetWhoseSchemaIsNotThisVersionsIsRefused() throws {
        let directory = TemporaryDirectory()
        let source = try populatedSource(in: directory)
        let url = try PostgresTestCluster.freshDatabase()
        let target = try PostgresStore.open(url)
        try PostgresTestCluster.execute("ALTER TABLE jobs ADD COLUMN added_later TEXT", in: url.database)
        try PostgresTestCluster.execute("CREATE TABLE extra_state (id BIGINT)", in: url.database)
        #expect(
            try refusal(from: source, to: target)
                == .schemaDiffers(
                    location: target.location,
                    detail:
                        "tables this Pilothouse does not know: extra_state; jobs has unknown columns added_later"
                ))
    }

    /// The copy's table list is the schema's: a table or column added by a migration fails
    /// here until `StoreTables` carries it, so no state is ever left behind by a copy.
    @Test(arguments: StoreBackend.allCases)
    func theCopyCarriesEveryTableAndColumnOfTheSchema(_ backend: StoreBackend) throws {
        let (store, keep) = try transfer(backend)
        try store.exportSnapshot { (reader: any StoreExportReader) throws -> Void in
            #expect(try reader.tableNames() == Set(StoreTables.all.map(\.name)))
            for table in StoreTables.all {
                #expect(
                    try reader.columnNames(of: table.name) == Set(table.columns.map(\.name)),
                    "table \(table.name)")
                #expect(try reader.rows(of: table, limit: 5) == table.seedRows, "table \(table.name)")
            }
        }
        withExtendedLifetime(keep) {}
    }
}
