import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore
import Testing

/// What only the PostgreSQL backend has: a server to reach, a schema that several engines may
/// migrate at once, and a connection that can drop.
@Suite struct PostgresStoreTests {
    @Test func enginesOpeningANewDatabaseAtOnceMigrateItOnce() async throws {
        let url = try PostgresTestCluster.freshDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try PostgresStore.open(url) } }
            return try await group.reduce(into: [PostgresStore]()) { $0.append($1) }
        }
        #expect(stores.count == 4)
        for (index, store) in stores.enumerated() {
            try store.enqueue(Job(title: "from \(index)", goal: "g"))
        }
        #expect(try stores[0].jobs().count == 4)
        #expect(try stores[0].integrityCheck() == "ok")
        #expect(try stores[3].verifyBeads() == .ok(count: 4))
    }

    @Test func aDatabaseOfANewerPilothouseIsRefusedUnchanged() throws {
        let url = try PostgresTestCluster.freshDatabase()
        let store = try PostgresStore.open(url)
        try store.enqueue(Job(title: "kept", goal: "g"))
        try PostgresTestCluster.execute(
            "INSERT INTO pilothouse_migrations (id, applied_at) VALUES ('v99_future', 0)", in: url.database)
        #expect(throws: StoreError.newerSchema(path: url.location, unknown: ["v99_future"])) {
            try PostgresStore.open(url)
        }
        #expect(try store.jobs().map(\.title) == ["kept"])
    }

    @Test func anUnreachableServerSaysWhereAndWhatToDo() throws {
        let port = try PostgresTestCluster.freePort()
        let url = PostgresStoreURL(
            host: "127.0.0.1", port: port, user: "pilothouse", password: "secret", database: "x")
        do {
            _ = try PostgresStore.open(url)
            Issue.record("opened a store on a port nothing listens on")
        } catch {
            let message = error.description
            #expect(message.contains("127.0.0.1:\(port)"))
            #expect(message.contains("start the server"))
            #expect(!message.contains("secret"))
        }
    }

    @Test func aMissingDatabaseSaysHowToCreateIt() throws {
        var url = try PostgresTestCluster.freshDatabase()
        url.database = "no_such_database"
        #expect {
            try PostgresStore.open(url)
        } throws: { error in
            "\(error)".contains("no_such_database") && "\(error)".contains("createdb")
        }
    }

    @Test func theLocationNeverShowsThePassword() throws {
        let url = try PostgresStoreURL(
            parsing: "postgresql://engine:s3cr%40t@db.example:6543/fleet?sslmode=require")
        #expect(url.password == "s3cr@t")
        #expect(url.port == 6543)
        #expect(url.requiresTLS)
        #expect(url.location == "postgres://engine@db.example:6543/fleet?sslmode=require")
        #expect(try PostgresStoreURL(parsing: "postgres://engine@db/fleet").port == 5432)
        for bad in [
            "mysql://engine:pw@db/fleet", "postgres://engine:pw@db", "postgres://db/fleet",
            "postgres://engine:pw@db/fleet?sslmode=verify-full", "postgres://engine:pw@db:0/fleet",
        ] {
            #expect {
                try PostgresStoreURL(parsing: bad)
            } throws: { error in
                "\(error)".contains("postgres://USER") && !"\(error)".contains("pw@")
            }
        }
        // A password with `@` or `/` written unencoded: the URL does not parse, and the message
        // must show none of it (the first `@` is inside the password, not before the host).
        for bad in ["postgres://engine:hunter@2@db:0/fleet", "postgres://engine:pa/ss@w0rd@db/fleet"] {
            #expect {
                try PostgresStoreURL(parsing: bad)
            } throws: { error in
                let message = "\(error)"
                return !message.contains("hunter") && !message.contains("2@db") && !message.contains("pa/ss")
                    && !message.contains("w0rd")
            }
        }
    }

    @Test func aStoreReconnectsAfterTheServerDroppedItsConnection() throws {
        let url = try PostgresTestCluster.freshDatabase()
        let store = try PostgresStore.open(url)
        try store.enqueue(Job(title: "before", goal: "g"))
        try PostgresTestCluster.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(url.database)' AND pid <> pg_backend_pid()",
            in: "postgres")
        // The call that meets the dead connection may fail, with a message; the next reconnects.
        do {
            try store.enqueue(Job(title: "maybe", goal: "g"))
        } catch {
            #expect("\(error)".contains(url.location))
        }
        try store.enqueue(Job(title: "after", goal: "g"))
        #expect(try store.jobs().map(\.title).contains("after"))
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))
    }
}
