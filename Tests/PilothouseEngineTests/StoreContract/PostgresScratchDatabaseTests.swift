import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore
import Testing

/// `pilothouse bench --store`'s scratch databases: made beside the database the URL names,
/// which is never written, and dropped after; refused with the fix when the user may not
/// create databases.
@Suite struct PostgresScratchDatabaseTests {
    @Test func aScratchDatabaseIsMadeBesideTheNamedOneWhichStaysUntouchedAndIsDropped() throws {
        let given = try PostgresTestCluster.freshDatabase()
        let scratch = try PostgresScratchDatabase.create(beside: given)
        #expect(scratch.url.database.hasPrefix(PostgresScratchDatabase.prefix))
        #expect(scratch.url.database != given.database)
        #expect(
            scratch.url.host == given.host && scratch.url.port == given.port && scratch.url.user == given.user
        )

        let store = try PostgresStore.open(scratch.url)
        try store.enqueue(Job(title: "bench", goal: "g"))
        #expect(try PostgresScratchDatabase.leftovers(on: given).contains(scratch.url.database))
        // The named database got no table, not even the store's schema.
        #expect(try PostgresStoreInspection.inspect(given) == .empty)

        // Dropped even while a handle on it is still connected.
        try scratch.drop()
        #expect(try !PostgresScratchDatabase.leftovers(on: given).contains(scratch.url.database))
        #expect {
            try PostgresStore.open(scratch.url)
        } throws: { error in
            "\(error)".contains(scratch.url.database) && "\(error)".contains("does not exist")
        }
        withExtendedLifetime(store) {}
    }

    @Test func twoScratchDatabasesMadeAtOnceAreTwo() throws {
        let given = try PostgresTestCluster.freshDatabase()
        let now = Date()
        let first = try PostgresScratchDatabase.create(beside: given, now: now)
        let second = try PostgresScratchDatabase.create(beside: given, now: now)
        #expect(first.url.database != second.url.database)
        try first.drop()
        try second.drop()
    }

    @Test func aUserWhoMayNotCreateDatabasesIsToldTheGrantWithoutThePassword() throws {
        let given = try PostgresTestCluster.freshDatabase()
        let role =
            "limited_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(8)
        try PostgresTestCluster.execute("CREATE ROLE \(role) LOGIN NOCREATEDB", in: "postgres")
        var limited = given
        limited.user = String(role)
        limited.password = "hunter2-not-shown"
        #expect {
            try PostgresScratchDatabase.create(beside: limited)
        } throws: { error in
            let message = "\(error)"
            return message.contains("ALTER ROLE \(role) CREATEDB") && message.contains("scratch database")
                && !message.contains("hunter2")
        }
    }

    @Test func anUnreachableServerIsNamedWithoutThePassword() throws {
        let port = try PostgresTestCluster.freePort()
        let url = PostgresStoreURL(
            host: "127.0.0.1", port: port, user: "pilothouse", password: "hunter2", database: "fleet")
        #expect {
            try PostgresScratchDatabase.create(beside: url)
        } throws: { error in
            "\(error)".contains("127.0.0.1:\(port)") && "\(error)".contains("start the server")
                && !"\(error)".contains("hunter2")
        }
    }
}
