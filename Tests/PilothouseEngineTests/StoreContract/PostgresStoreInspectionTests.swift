import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore
import Testing

/// What `pilothouse doctor --store` finds before it opens a PostgreSQL store: the server, the
/// login, the database and its schema, read without writing anything.
@Suite struct PostgresStoreInspectionTests {
    @Test func anEmptyDatabaseIsEmptyAndStaysSo() throws {
        let url = try PostgresTestCluster.freshDatabase()
        #expect(try PostgresStoreInspection.inspect(url) == .empty)
        // Looking did not create the schema.
        #expect(try PostgresStoreInspection.inspect(url) == .empty)
    }

    @Test func aStoreOfThisVersionIsCurrent() throws {
        let url = try PostgresTestCluster.freshDatabase()
        _ = try PostgresStore.open(url)
        #expect(try PostgresStoreInspection.inspect(url) == .current)
    }

    @Test func anotherApplicationsDatabaseIsForeign() throws {
        let url = try PostgresTestCluster.freshDatabase()
        try PostgresTestCluster.execute(
            "CREATE TABLE customers (id INT); CREATE TABLE orders (id INT)", in: url.database)
        #expect(try PostgresStoreInspection.inspect(url) == .foreign(tables: ["customers", "orders"]))
    }

    @Test func aNewerPilothousesStoreIsNamedAndLeftUnchanged() throws {
        let url = try PostgresTestCluster.freshDatabase()
        let store = try PostgresStore.open(url)
        try store.enqueue(Job(title: "kept", goal: "g"))
        try PostgresTestCluster.execute(
            "INSERT INTO pilothouse_migrations (id, applied_at) VALUES ('v99_future', 0)", in: url.database)
        #expect(try PostgresStoreInspection.inspect(url) == .newer(unknown: ["v99_future"]))
        #expect(try store.jobs().map(\.title) == ["kept"])
    }

    @Test func anOlderStoreNamesWhatItLacksAndIsNotMigrated() throws {
        let url = try PostgresTestCluster.freshDatabase()
        _ = try PostgresStore.open(url)
        try PostgresTestCluster.execute(
            "DELETE FROM pilothouse_migrations WHERE id = 'v2_engines'", in: url.database)
        #expect(try PostgresStoreInspection.inspect(url) == .older(missing: ["v2_engines"]))
        #expect(try PostgresStoreInspection.inspect(url) == .older(missing: ["v2_engines"]))
    }

    @Test func aMissingDatabaseAnUnknownUserAndAClosedPortSayWhatToCheck() throws {
        /// `url` with the password `hunter2` is refused naming each of `mentions`, never the password.
        func expectRefusal(_ url: PostgresStoreURL, mentions: [String]) {
            var url = url
            url.password = "hunter2"
            #expect {
                try PostgresStoreInspection.inspect(url)
            } throws: { error in
                mentions.allSatisfy { "\(error)".contains($0) } && !"\(error)".contains("hunter2")
            }
        }
        var missing = try PostgresTestCluster.freshDatabase()
        missing.database = "no_such_fleet"
        expectRefusal(missing, mentions: ["no_such_fleet", "createdb"])
        var stranger = try PostgresTestCluster.freshDatabase()
        stranger.user = "nobody_here"
        expectRefusal(stranger, mentions: ["nobody_here", "check the user, password"])
        let port = try PostgresTestCluster.freePort()
        expectRefusal(
            PostgresStoreURL(host: "127.0.0.1", port: port, user: "pilothouse", database: "x"),
            mentions: ["127.0.0.1:\(port)", "start the server"])
    }

    @Test func anEditedBeadFailsTheCheckupOfAPostgresStore() throws {
        let url = try PostgresTestCluster.freshDatabase()
        let store = try PostgresStore.open(url)
        try store.enqueue(Job(title: "t", goal: "g"))
        try store.enqueue(Job(title: "u", goal: "g"))
        try PostgresTestCluster.execute("UPDATE beads SET message = 'forged' WHERE seq = 1", in: url.database)
        let database = try #require(StoreCheckup.findings(store).first { $0.subject == "database" })
        #expect(database.level == .fail)
        #expect(database.detail.contains("bead chain broken"))
    }
}
