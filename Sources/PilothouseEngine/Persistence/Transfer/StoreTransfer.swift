import Foundation

/// What `pilothouse store copy` needs from a backend: one consistent snapshot of every table
/// to read from, and one all-or-nothing transaction to write into. Rows travel as
/// backend-neutral values (`StoreRow`), table by table in the order of `StoreTables.all`, in
/// batches, so a store of any size copies in bounded memory and a copy interrupted at any point
/// (an error, a cancelled task, `kill -9`) leaves the target as it was.
///
/// The logic of a copy (refusals, chain checks, progress) is backend-neutral, in `StoreCopy`;
/// a backend only moves rows.
public protocol StoreTransfer: PilothouseStore {
    /// Runs `body` inside one read transaction, so every table it reads is the same moment of
    /// the store even while another process writes.
    func exportSnapshot<T>(_ body: (any StoreExportReader) throws -> T) throws -> T

    /// Runs `body` inside one write transaction that holds the store's write lock; commits
    /// when `body` returns, rolls back (writing nothing) when it throws.
    func importTransaction<T>(_ body: (any StoreImportWriter) throws -> T) throws -> T
}

/// What both sides of a copy can say about their schema as it is in the database (not as this
/// build expects it): which tables and columns exist.
public protocol StoreSchemaReader {
    /// The tables that hold the store's data, without the backend's own bookkeeping
    /// (migration records, SQLite's internal tables).
    func tableNames() throws -> Set<String>

    /// The columns `table` has in the database.
    func columnNames(of table: String) throws -> Set<String>

    /// Up to `limit` rows of `table`, in its order.
    func rows(of table: StoreTable, limit: Int) throws -> [StoreRow]
}

/// The reading side of a copy, inside `exportSnapshot`.
public protocol StoreExportReader: StoreSchemaReader {
    /// How many rows `table` holds in the snapshot.
    func count(of table: StoreTable) throws -> Int64

    /// Every row of `table` in its order (`StoreTable.orderBy`), at most `batchRows` per call
    /// of `body`, read through a cursor: never the whole table in memory.
    func forEachBatch(of table: StoreTable, batchRows: Int, _ body: ([StoreRow]) throws -> Void) throws
}

/// The writing side of a copy, inside `importTransaction`.
public protocol StoreImportWriter: StoreSchemaReader {
    /// Removes every row of `table` (the seed rows a fresh schema holds, before the copy's own).
    func deleteAll(of table: StoreTable) throws

    /// Inserts `rows` verbatim, ids included.
    func insert(_ rows: [StoreRow], into table: StoreTable) throws

    /// Called after the last row of `table`: moves the backend's id counter (a PostgreSQL
    /// sequence) past the copied ids, so the next row the store numbers itself is new.
    func finish(_ table: StoreTable) throws
}
