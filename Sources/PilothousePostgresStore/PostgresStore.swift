import Foundation
import PilothouseCore
import PilothouseEngine
import PostgresNIO

/// The durable state of a fleet's swarm in PostgreSQL: the same concepts and semantics as
/// `SQLiteStore`, for many engines on many machines sharing one queue.
///
/// Every state change is one transaction that also appends its bead. Writes that append a bead
/// first lock the chain head row (`bead_head`), so beads from every engine make one chain and
/// such writes serialise like SQLite's `BEGIN IMMEDIATE`; they always take that lock before any
/// other, so they cannot deadlock with each other. Writes without a bead (budget reservations,
/// the cache, lease renewals) lock only the rows they change.
public final class PostgresStore: PilothouseStore {
    public let url: PostgresStoreURL
    public var location: String { url.location }
    /// Applied to every operator- or model-supplied text before it is written (see
    /// `StoredText`): the configuration's redactor, so its extra patterns hold here too.
    public let stored: StoredText
    let link: PostgresLink
    /// The store's change feed: one listening connection, opened for the first subscriber;
    /// nil when the store was opened with `listen: false`.
    let listener: PostgresChangeListener?
    private let writes = StoreWriteHealthMonitor()

    /// How often a transaction that lost a deadlock or a serialization conflict is run again.
    static let conflictRetries = 5

    /// Connects to the database at `url` and brings its schema up to date (creating it in an
    /// empty database). Two engines starting at once are serialised by an advisory lock.
    /// With `listen` false the store has no change feed (`[store] listen = false`, e.g. behind
    /// a pooler that cannot LISTEN): its engines and consoles poll.
    public static func open(url: String, redactor: Redactor = .standard, listen: Bool = true)
        throws(StoreError)
        -> PostgresStore
    {
        try open(try PostgresStoreURL(parsing: url), redactor: redactor, listen: listen)
    }

    public static func open(_ url: PostgresStoreURL, redactor: Redactor = .standard, listen: Bool = true)
        throws(StoreError)
        -> PostgresStore
    {
        let store = PostgresStore(url: url, redactor: redactor, listen: listen)
        do {
            try store.write(locking: .none) { tx in try PostgresStoreSchema.migrate(tx) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(postgres: error, url: url)
        }
        return store
    }

    private init(url: PostgresStoreURL, redactor: Redactor, listen: Bool) {
        self.url = url
        self.stored = StoredText(redactor: redactor)
        self.link = PostgresLink(url: url)
        self.listener = listen ? PostgresChangeListener(url: url, channel: PostgresStore.changeChannel) : nil
    }

    /// What a write transaction locks before its body runs.
    enum WriteLock {
        /// The bead chain head: for every write that appends a bead.
        case chain
        /// A transaction-scoped advisory lock: for writes that must not interleave with each
        /// other but touch no chain (cache eviction).
        case advisory(Int64)
        /// Nothing up front: the body locks the rows it needs.
        case none
    }

    /// Runs `body` in one write transaction, mapping database errors to `StoreError`.
    ///
    /// A deadlock or serialization failure (another engine won a race) rolls back and runs
    /// the transaction again. A storage fault (disk full, I/O error) rolls back and, within
    /// the configured patience, retries with backoff: the write is delayed, never dropped.
    @discardableResult
    func write<T>(locking: WriteLock = .chain, _ body: (PostgresTransaction) throws -> T) throws -> T {
        let patience = writes.patience
        let clock = ContinuousClock()
        let started = clock.now
        var delay = patience.firstDelay
        var conflicts = 0
        while true {
            do {
                let result = try transaction(begin: "BEGIN") { tx in
                    switch locking {
                    case .chain: try tx.lockChain()
                    case .advisory(let key): try tx.execute("SELECT pg_advisory_xact_lock($1)", [key])
                    case .none: break
                    }
                    return try body(tx)
                }
                setWriteHealth(.ok)
                return result
            } catch let error as PSQLError {
                let state = StoreError.sqlState(of: error) ?? ""
                if ["40001", "40P01"].contains(state) && conflicts < PostgresStore.conflictRetries {
                    conflicts += 1
                    continue
                }
                guard ["53100", "53000", "58030"].contains(state) else {
                    throw StoreError(postgres: error, url: url)
                }
                let detail = error.serverInfo?[.message] ?? state
                guard clock.now - started + delay <= patience.maxWait else {
                    if patience.maxWait > .zero { setWriteHealth(.gaveUp(detail: detail)) }
                    throw StoreError.storageFull(path: location, detail: detail, waited: clock.now - started)
                }
                setWriteHealth(.failing(since: Date(), detail: detail))
                Thread.sleep(forTimeInterval: delay.seconds)
                delay = min(delay * 2, patience.maxDelay)
            }
        }
    }

    /// Runs `body` in one read-only transaction that sees one snapshot, so several reads
    /// agree even while other engines write.
    func read<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        do {
            return try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        } catch let error as PSQLError {
            throw StoreError(postgres: error, url: url)
        }
    }

    /// BEGIN, `body`, COMMIT on the link's connection; ROLLBACK when anything fails. A row
    /// that cannot be decoded is a `StoreError`; PostgreSQL's own errors are left to the caller.
    private func transaction<T>(begin: String, _ body: (PostgresTransaction) throws -> T) throws -> T {
        do {
            return try link.withConnection { session in
                let tx = PostgresTransaction(session: session, location: location)
                do {
                    try tx.execute(begin)
                    let result = try body(tx)
                    try tx.sendAnnouncedChanges()
                    try tx.flush()
                    try session.query("COMMIT")
                    return result
                } catch {
                    session.rollback()
                    throw error
                }
            }
        } catch let error as PostgresDecodingError {
            throw StoreError.database(
                path: location, detail: "column \(error.columnName) holds a value of an unexpected type")
        } catch let error as PSQLError where error.serverInfo == nil {
            // Not the server's refusal: the connection failed; said once, with what to do.
            throw StoreError(postgres: error, url: url)
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

    private func setWriteHealth(_ next: StoreWriteHealth) {
        writes.set(next)
    }
}
