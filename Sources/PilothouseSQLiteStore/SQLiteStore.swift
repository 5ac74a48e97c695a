import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

/// The durable state of one repository's swarm: jobs, beads, patches, quarantine, ledger.
///
/// SQLite in WAL mode through a GRDB `DatabasePool`: readers never block the single writer,
/// and every state change is one `BEGIN IMMEDIATE` transaction that also appends its bead,
/// so several processes sharing the file still produce one valid chain.
public final class SQLiteStore: PilothouseStore {
    public let path: String
    public var location: String { path }
    let pool: DatabasePool
    /// Applied to every operator- or model-supplied text before it is written (see
    /// `StoredText`): the configuration's redactor, so its extra patterns hold here too.
    public let stored: StoredText
    /// Write health, retry patience and who hears of changes: the bookkeeping every backend
    /// shares (`StoreWriteHealthMonitor`).
    private let writes = StoreWriteHealthMonitor()
    /// A read-only connection leaves `-wal`/`-shm` behind; they go again on close when this
    /// store created them (see `WALSidecars`).
    private let removesSidecarsOnClose: Bool

    /// How long a writer waits for another process's lock before giving up.
    public static let busyTimeout: TimeInterval = 10

    /// Opens an existing store. The file is checked before SQLite touches it, so a garbage,
    /// read-only or newer-schema file is reported and left byte-for-byte unchanged.
    public static func open(path: String, redactor: Redactor = .standard) throws(StoreError) -> SQLiteStore {
        try SQLiteStorePreflight.check(path: path)
        return try SQLiteStore(path: path, redactor: redactor)
    }

    /// Opens an existing store for a command that only reads (`status`, `beads verify`…): a
    /// read-only file is read through a read-only connection instead of being refused.
    /// Writing through the returned store then fails with `StoreError.readOnly`.
    public static func openForReading(path: String, redactor: Redactor = .standard) throws(StoreError)
        -> SQLiteStore
    {
        do {
            return try open(path: path, redactor: redactor)
        } catch .readOnly {
            // Noted before the check, whose read-only connection may create them.
            let sidecarsExisted = WALSidecars.exist(for: path)
            try SQLiteStorePreflight.check(path: path, forWriting: false)
            return try SQLiteStore(
                path: path, redactor: redactor, readOnly: true, removesSidecarsOnClose: !sidecarsExisted)
        }
    }

    /// Creates the store if it does not exist yet, otherwise opens it.
    public static func openOrCreate(path: String, redactor: Redactor = .standard) throws(StoreError)
        -> SQLiteStore
    {
        if FileManager.default.fileExists(atPath: path) {
            return try open(path: path, redactor: redactor)
        }
        return try SQLiteStore(path: path, redactor: redactor)
    }

    private init(
        path: String, redactor: Redactor = .standard, readOnly: Bool = false,
        removesSidecarsOnClose: Bool = false
    ) throws(StoreError) {
        self.path = path
        self.stored = StoredText(redactor: redactor)
        self.removesSidecarsOnClose = removesSidecarsOnClose
        var configuration = Configuration()
        configuration.busyMode = .timeout(SQLiteStore.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "pilothouse"
        configuration.readonly = readOnly
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if readOnly {
                // Pending migrations are writes: an older store must be opened writable once.
                guard try pool.read({ try SQLiteStoreSchema.migrator.hasCompletedMigrations($0) }) else {
                    throw StoreError.readOnly(path: path)
                }
            } else {
                try SQLiteStore.migrate(pool)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(error, path: path)
        }
    }

    deinit {
        guard removesSidecarsOnClose else { return }
        try? pool.close()
        WALSidecars.removeIfUnused(for: path)
    }

    /// Runs pending migrations. Two processes may race here on a new store; the loser finds
    /// the work done and carries on.
    private static func migrate(_ pool: DatabasePool) throws {
        let migrator = SQLiteStoreSchema.migrator
        if try pool.read({ try migrator.hasCompletedMigrations($0) }) { return }
        do {
            try migrator.migrate(pool)
        } catch {
            if try pool.read({ try migrator.hasCompletedMigrations($0) }) { return }
            throw error
        }
    }

    /// Runs `body` in one IMMEDIATE write transaction, mapping database errors to `StoreError`.
    ///
    /// A storage fault (disk full, I/O error) rolls the transaction back and, within the
    /// configured patience, retries it with backoff: the write is delayed, never dropped.
    /// Observers hear when writes start failing and when they go through again.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        let patience = writes.patience
        let clock = ContinuousClock()
        let started = clock.now
        var delay = patience.firstDelay
        while true {
            do {
                let result = try pool.writeWithoutTransaction { db in
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(db)
                        return .commit
                    }
                    return result!
                }
                writes.set(.ok)
                return result
            } catch let error as DatabaseError where StoreWritePatience.isStorageFault(error) {
                let detail = error.message ?? "\(error.resultCode)"
                guard clock.now - started + delay <= patience.maxWait else {
                    if patience.maxWait > .zero { writes.set(.gaveUp(detail: detail)) }
                    throw StoreError.storageFull(path: path, detail: detail, waited: clock.now - started)
                }
                writes.set(.failing(since: Date(), detail: detail))
                Thread.sleep(forTimeInterval: delay.seconds)
                delay = min(delay * 2, patience.maxDelay)
            } catch let error as DatabaseError {
                throw StoreError(error, path: path)
            }
        }
    }

    /// Whether writes currently go through.
    public var writeHealth: StoreWriteHealth { writes.health }

    /// How long writes that hit a full disk are retried (default: not at all).
    public func setWritePatience(_ patience: StoreWritePatience) {
        writes.patience = patience
    }

    /// Calls `handler` (on the writing thread) whenever the write health changes; returns a
    /// token for `removeWriteHealthObserver`.
    public func observeWriteHealth(_ handler: @escaping @Sendable (StoreWriteHealth) -> Void) -> Int {
        writes.observe(handler)
    }

    public func removeWriteHealthObserver(_ token: Int) {
        writes.removeObserver(token)
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
        case .SQLITE_FULL:
            self = .storageFull(path: path, detail: database.message ?? "disk full", waited: .zero)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            self = .notADatabase(path: path, detail: database.message ?? "corrupt")
        default: self = .database(path: path, detail: database.message ?? "\(database.resultCode)")
        }
    }
}

extension StoreWritePatience {
    /// Whether `error` is a fault of the storage under the database, which may clear when
    /// space is freed, as opposed to a bug or a constraint that retrying cannot fix.
    static func isStorageFault(_ error: DatabaseError) -> Bool {
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR: true
        default: false
        }
    }
}
