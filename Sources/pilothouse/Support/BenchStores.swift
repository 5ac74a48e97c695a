import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore
import PilothouseSQLiteStore

/// The stores `pilothouse bench` measures: a new, empty one for each measurement, never a
/// store that holds anyone's work.
///
/// SQLite: a file in the benchmark's temporary directory. PostgreSQL: a scratch database per
/// measurement on the server `--store` names (`PostgresScratchDatabase`), all dropped by
/// `dropAll()`; the database the URL names is only connected to. The store is chosen by
/// `--store` alone: `PILOTHOUSE_STORE_URL` and `[store] url` name a fleet's real store, and a
/// benchmark that followed them would claim its jobs.
final class BenchStores: @unchecked Sendable {
    enum Backend {
        case sqlite
        /// The server to create scratch databases on, reached through this URL's database.
        case postgres(PostgresStoreURL)
    }

    /// A store made for one measurement, and a way to open more handles on it, each with
    /// its own connection as another engine's would have.
    struct Fresh {
        let store: any PilothouseStore
        let openHandle: @Sendable () throws -> any PilothouseStore
    }

    let backend: Backend
    private let directory: String
    private let lock = NSLock()
    /// Guarded by `lock`: read by a signal handler too.
    private var scratch: [PostgresScratchDatabase] = []

    init(backend: Backend, directory: String) {
        self.backend = backend
        self.directory = directory
    }

    /// `sqlite` or `postgres`, as `--json` reports it.
    var name: String {
        switch backend {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }

    /// A new, empty store for the measurement `purpose` (a word: `beads`, `claims`, `pipeline`).
    func fresh(_ purpose: String) throws -> Fresh {
        switch backend {
        case .sqlite:
            let path = directory + "/\(purpose).db"
            return Fresh(
                store: try SQLiteStore.openOrCreate(path: path),
                openHandle: { try SQLiteStore.open(path: path) })
        case .postgres(let server):
            // Under the lock, so that Ctrl-C during the CREATE waits for it and drops this one too.
            let database = try lock.withLock {
                let database = try PostgresScratchDatabase.create(beside: server)
                scratch.append(database)
                return database
            }
            let url = database.url
            return Fresh(store: try PostgresStore.open(url), openHandle: { try PostgresStore.open(url) })
        }
    }

    /// Drops every scratch database made so far; what could not be dropped, as messages with
    /// the statement that drops it by hand.
    func dropAll() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let databases = scratch
        scratch = []
        return databases.compactMap(Self.drop)
    }

    /// For Ctrl-C: drops the scratch databases, removes the temporary directory and exits
    /// with 130, holding the lock to the
    /// end, so the benchmark's own thread (whose connection the drop just cut) waits in
    /// `dropAll()` instead of reporting that cut as its failure.
    func interrupt() -> Never {
        lock.lock()
        for problem in scratch.compactMap(Self.drop) { printError("error: \(problem)") }
        // Temporary files only; the exit code already says the run did not finish.
        try? FileManager.default.removeItem(atPath: directory)
        exit(130)
    }

    /// Drops `database`; nil, or what went wrong with the statement that drops it by hand.
    private static func drop(_ database: PostgresScratchDatabase) -> String? {
        do {
            try database.drop()
            return nil
        } catch {
            return
                "could not drop the benchmark's scratch database \(database.url.database) (\(error)); drop it with DROP DATABASE \(database.url.database)"
        }
    }

    /// Scratch databases of benchmarks that were killed before they dropped theirs (or run
    /// now), for a note; none on SQLite, whose files go with their temporary directory.
    func leftovers() throws -> [String] {
        guard case .postgres(let server) = backend else { return [] }
        return try PostgresScratchDatabase.leftovers(on: server)
    }
}
