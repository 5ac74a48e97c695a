import Foundation
import NIOCore
import PilothouseEngine
import PostgresNIO

/// The statements of one transaction, as the store's concept files write them: `$1`, `$2`…
/// placeholders, typed rows back.
///
/// Statements whose result nobody reads (`execute`) are pipelined: sent at once, waited for
/// only when the transaction next needs an answer, or at its commit. A claim then costs two
/// round trips to the server instead of nine. The first failure among them is the one
/// reported, not the "transaction is aborted" of the statements after it.
struct PostgresTransaction {
    let session: PostgresLink.Session
    /// Where the store lives, for messages.
    let location: String
    private let state = State()

    /// What the transaction has sent but not yet waited for, the chain head it locked, and
    /// the changes it will announce when it commits.
    private final class State {
        var pending: [EventLoopFuture<PostgresQueryResult>] = []
        var chainLock: EventLoopFuture<PostgresQueryResult>?
        var head: (count: Int64, lastHash: String)?
        var changes: Set<StoreChange> = []
    }

    init(session: PostgresLink.Session, location: String) {
        self.session = session
        self.location = location
    }

    /// Sends a statement whose result is not needed; its failure surfaces at the next wait.
    func execute(_ sql: String, _ arguments: [any SQLArgument] = []) throws {
        state.pending.append(try session.send(sql, arguments))
    }

    /// Runs a statement and waits for it; returns how many rows it changed.
    func changes(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> Int {
        try result(sql, arguments).metadata.rows ?? 0
    }

    func rows(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> [PostgresStoreRow] {
        try result(sql, arguments).rows.map { PostgresStoreRow(row: $0.makeRandomAccess()) }
    }

    func row(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> PostgresStoreRow? {
        try rows(sql, arguments).first
    }

    /// The first column of the first row, or nil when there is no row or it is NULL.
    func value<T: PostgresDecodable>(
        _ sql: String, _ arguments: [any SQLArgument] = [], as type: T.Type = T.self
    ) throws -> T? where T._DecodableType == T {
        guard let row = try result(sql, arguments).rows.first, let cell = row.first else { return nil }
        return try cell.decode(T?.self)
    }

    /// Waits for every statement sent so far; throws the first one's failure.
    func flush() throws {
        let pending = state.pending
        state.pending = []
        var firstFailure: (any Error)?
        for future in pending {
            do {
                _ = try future.wait()
            } catch {
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure { throw firstFailure }
    }

    /// Locks the bead chain's head row for the rest of the transaction (pipelined: the
    /// statements sent after it run once the lock is held).
    func lockChain() throws {
        let lock = try session.send("SELECT count, last_hash FROM bead_head WHERE id = 1 FOR UPDATE")
        state.chainLock = lock
        state.pending.append(lock)
    }

    /// The chain head under this transaction's lock: read once, then advanced by `advanceChain`
    /// as the transaction appends beads.
    func chainHead() throws -> (count: Int64, lastHash: String) {
        if let head = state.head { return head }
        if state.chainLock == nil { try lockChain() }
        try flush()
        guard
            let row = try state.chainLock?.wait().rows.first.map({
                PostgresStoreRow(row: $0.makeRandomAccess())
            })
        else {
            throw StoreError.database(path: location, detail: "the bead chain head row is missing")
        }
        let head = (count: try row("count", as: Int64.self), lastHash: try row("last_hash", as: String.self))
        state.head = head
        return head
    }

    func advanceChain(to count: Int64, lastHash: String) {
        state.head = (count, lastHash)
    }

    /// Marks changes to announce to every listening process if, and only if, this
    /// transaction commits (see `PostgresStore+Notify`).
    func announce(_ changes: Set<StoreChange>) {
        state.changes.formUnion(changes)
    }

    /// The changes announced so far.
    var announced: Set<StoreChange> { state.changes }

    private func result(_ sql: String, _ arguments: [any SQLArgument]) throws -> PostgresQueryResult {
        try flush()
        return try session.query(sql, arguments)
    }
}

/// One row of a result, read by column name.
struct PostgresStoreRow {
    let row: PostgresRandomAccessRow

    func callAsFunction<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try row[column].decode(T.self)
    }
}
