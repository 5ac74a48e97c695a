import Foundation
import PilothouseEngine
import PilothousePostgresStore
import PilothouseSQLiteStore
import Testing

/// A backend of the persistence protocols as the contract suite sees it: a fresh, empty store,
/// and more handles on that same store, each with its own connection, as another process or
/// another machine's engine would have.
///
/// Every contract test runs once per case; a new backend joins the suite by adding a case.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    /// A fresh database on the test process's own PostgreSQL 15 cluster (`PostgresTestCluster`).
    case postgres

    var testDescription: String { rawValue }

    /// A fresh, empty store of this backend.
    func makeStore() throws -> StoreUnderTest {
        switch self {
        case .sqlite:
            let directory = TemporaryDirectory()
            let path = directory.file("contract.db")
            return StoreUnderTest(
                store: try SQLiteStore.openOrCreate(path: path),
                openHandle: { try SQLiteStore.open(path: path) }, keepAlive: directory)
        case .postgres:
            let url = try PostgresTestCluster.freshDatabase()
            return StoreUnderTest(
                store: try PostgresStore.open(url), openHandle: { try PostgresStore.open(url) },
                keepAlive: nil)
        }
    }
}

/// One store under test: the handle the test mostly uses, and a way to open another.
struct StoreUnderTest: @unchecked Sendable {
    let store: any PilothouseStore
    let openHandle: @Sendable () throws -> any PilothouseStore
    /// Whatever must live as long as the store (its temporary directory), if anything.
    let keepAlive: AnyObject?

    /// Another handle on the same store: a second engine's connection.
    func anotherHandle() throws -> any PilothouseStore { try openHandle() }
}
