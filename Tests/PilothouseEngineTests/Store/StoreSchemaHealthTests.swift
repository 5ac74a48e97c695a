import Foundation
import GRDB
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// A store whose schema was damaged behind Pilothouse's back (sqlite3 CLI, a bad restore) is
/// refused at open with every problem named, and the file is left byte-for-byte unchanged.
@Suite struct StoreSchemaHealthTests {
    let directory = TemporaryDirectory()
    var path: String { directory.file("pilothouse.db") }

    private func contents() -> Data? { FileManager.default.contents(atPath: path) }

    /// A store with one job, then `sql` run on it as an outsider would, with the WAL folded
    /// back so the file alone holds everything.
    private func damagedStore(_ sql: String) throws -> Data {
        do {
            let store = try SQLiteStore.openOrCreate(path: path)
            try store.enqueue(Job(title: "t", goal: "g"))
        }
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: sql) }
        _ = try queue.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try queue.close()
        return try #require(contents())
    }

    /// The problems `SQLiteStore.open` names, checking that it refused and wrote nothing.
    private func refusal(after sql: String) throws -> [String] {
        let before = try damagedStore(sql)
        var problems: [String] = []
        #expect {
            try SQLiteStore.open(path: path)
        } throws: { error in
            guard case StoreError.damagedSchema(_, let named) = error else { return false }
            problems = named
            return true
        }
        #expect(contents() == before, "the refused file was modified")
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "a -wal file was left beside it")
        return problems
    }

    @Test func aDroppedTableIsNamed() throws {
        #expect(try refusal(after: "DROP TABLE quarantine") == ["table quarantine is missing"])
    }

    @Test func aDeletedMigrationRowIsNamedNotRerun() throws {
        let problems = try refusal(after: "DELETE FROM grdb_migrations WHERE identifier = 'v2_engine'")
        #expect(problems.contains { $0.hasPrefix("migration v2_engine is not recorded") })
    }

    @Test func aDeletedLastMigrationRowShowsItsTablesAsForeign() throws {
        let problems = try refusal(after: "DELETE FROM grdb_migrations WHERE identifier = 'v7_outbox'")
        #expect(problems.contains("table outbox is not part of the schema"))
    }

    @Test func allMigrationRowsDeletedIsNamed() throws {
        let problems = try refusal(after: "DELETE FROM grdb_migrations")
        #expect(problems.count == 1)
        #expect(problems.first?.contains("no migration is recorded, yet tables exist") == true)
    }

    @Test func columnsIndexesAndTriggersAreCompared() throws {
        let problems = try refusal(
            after: """
                DROP INDEX jobs_by_state;
                ALTER TABLE jobs ADD COLUMN note TEXT;
                ALTER TABLE patches DROP COLUMN files_changed;
                CREATE TRIGGER hide AFTER INSERT ON beads BEGIN DELETE FROM beads WHERE seq = NEW.seq; END;
                """)
        #expect(
            problems == [
                "column jobs.note is not part of the schema",
                "column patches.files_changed is missing",
                "index jobs_by_state on jobs is missing",
                "trigger hide is not part of the schema",
            ])
    }

    @Test func aHostileNameIsShownEscaped() throws {
        let problems = try refusal(
            after: "CREATE VIEW \"x\u{1B}[2J\" AS SELECT 1")
        #expect(problems == ["view \"x\\u{1B}[2J\" is not part of the schema"])
    }

    @Test func aHealthyStoreAndAnOlderOneOpen() throws {
        do { _ = try SQLiteStore.openOrCreate(path: path) }
        #expect(throws: Never.self) { try SQLiteStore.open(path: path) }

        // A store from before the engine and gateway migrations is upgraded, not refused.
        let older = directory.file("older.db")
        let queue = try DatabaseQueue(path: older)
        try SQLiteStoreSchema.migrator.migrate(queue, upTo: "v1_foundation")
        try queue.close()
        let store = try SQLiteStore.open(path: older)
        #expect(try store.enqueue(Job(title: "t", goal: "g")).title == "t")
    }

    @Test func theMessageNamesEveryProblemAndWhatToDo() {
        let error = StoreError.damagedSchema(
            path: "p.db", problems: ["table a is missing", "index b is missing"])
        #expect(error.description.contains("table a is missing; index b is missing"))
        #expect(error.description.contains("left it unchanged"))
    }
}
