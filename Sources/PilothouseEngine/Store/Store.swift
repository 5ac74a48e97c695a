import Foundation
import GRDB
import PilothouseCore

/// The durable state of one repository's swarm: jobs, beads, patches, quarantine, ledger.
///
/// SQLite in WAL mode through a GRDB `DatabasePool`: readers never block the single writer,
/// and every state change is one `BEGIN IMMEDIATE` transaction that also appends its bead,
/// so several processes sharing the file still produce one valid chain.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool
    /// Applied to every operator- or model-supplied text before it is written (see
    /// `StoredText`): the configuration's redactor, so its extra patterns hold here too.
    public let stored: StoredText

    /// How long a writer waits for another process's lock before giving up.
    public static let busyTimeout: TimeInterval = 10

    /// Opens an existing store. The file is checked before SQLite touches it, so a garbage,
    /// read-only or newer-schema file is reported and left byte-for-byte unchanged.
    public static func open(path: String, redactor: Redactor = .standard) throws(StoreError) -> Store {
        try StorePreflight.check(path: path)
        return try Store(path: path, redactor: redactor)
    }

    /// Creates the store if it does not exist yet, otherwise opens it.
    public static func openOrCreate(path: String, redactor: Redactor = .standard) throws(StoreError) -> Store
    {
        if FileManager.default.fileExists(atPath: path) {
            return try open(path: path, redactor: redactor)
        }
        return try Store(path: path, redactor: redactor)
    }

    private init(path: String, redactor: Redactor) throws(StoreError) {
        self.path = path
        self.stored = StoredText(redactor: redactor)
        var configuration = Configuration()
        configuration.busyMode = .timeout(Store.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "pilothouse"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Store.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(error, path: path)
        }
    }

    /// Runs pending migrations. Two processes may race here on a new store; the loser finds
    /// the work done and carries on.
    private static func migrate(_ pool: DatabasePool) throws {
        let migrator = StoreSchema.migrator
        if try pool.read({ try migrator.hasCompletedMigrations($0) }) { return }
        do {
            try migrator.migrate(pool)
        } catch {
            if try pool.read({ try migrator.hasCompletedMigrations($0) }) { return }
            throw error
        }
    }

    /// Runs `body` in one IMMEDIATE write transaction, mapping database errors to `StoreError`.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }
}

extension StoreError {
    init(_ error: any Error, path: String) {
        guard let database = error as? DatabaseError else {
            self = .database(path: path, detail: String(describing: error))
            return
        }
        switch database.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .locked(path: path)
        case .SQLITE_READONLY, .SQLITE_PERM: self = .readOnly(path: path)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            self = .notADatabase(path: path, detail: database.message ?? "corrupt")
        default: self = .database(path: path, detail: database.message ?? "\(database.resultCode)")
        }
    }
}
