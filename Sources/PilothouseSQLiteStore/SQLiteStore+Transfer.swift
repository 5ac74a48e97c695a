import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

/// `pilothouse store copy` on SQLite: a snapshot is one read transaction of the pool, an import
/// one IMMEDIATE write transaction, so a copy killed at any point leaves the file as it was.
extension SQLiteStore: StoreTransfer {
    public func exportSnapshot<T>(_ body: (any StoreExportReader) throws -> T) throws -> T {
        try read { db in try body(SQLiteTransferSide(db: db, path: path)) }
    }

    public func importTransaction<T>(_ body: (any StoreImportWriter) throws -> T) throws -> T {
        try write { db in try body(SQLiteTransferSide(db: db, path: path)) }
    }
}

/// One side of a copy inside a transaction on a SQLite store.
///
/// Text is read as the bytes SQLite holds (`CAST(… AS BLOB)`): GRDB reads TEXT up to its first
/// NUL, which would cut a hand-edited value silently instead of letting the copy refuse it.
struct SQLiteTransferSide: StoreExportReader, StoreImportWriter {
    let db: Database
    let path: String

    func tableNames() throws -> Set<String> {
        try mapped {
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT name FROM sqlite_master
                        WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'
                        """))
        }
    }

    func columnNames(of table: String) throws -> Set<String> {
        try mapped {
            Set(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]))
        }
    }

    func rows(of table: StoreTable, limit: Int) throws -> [StoreRow] {
        try mapped {
            try Row.fetchAll(db, sql: select(table) + " LIMIT ?", arguments: [limit]).map {
                decode($0, of: table)
            }
        }
    }

    func count(of table: StoreTable) throws -> Int64 {
        try mapped { try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM \(quoted(table.name))") ?? 0 }
    }

    func forEachBatch(of table: StoreTable, batchRows: Int, _ body: ([StoreRow]) throws -> Void) throws {
        let cursor = try mapped { try Row.fetchCursor(db, sql: select(table)) }
        var batch: [StoreRow] = []
        batch.reserveCapacity(batchRows)
        while let row = try mapped({ try cursor.next() }) {
            batch.append(decode(row, of: table))
            if batch.count == batchRows {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    func deleteAll(of table: StoreTable) throws {
        try mapped { try db.execute(sql: "DELETE FROM \(quoted(table.name))") }
    }

    /// Inserts the rows verbatim (an empty blob stays an empty blob: the round-trip contract
    /// test holds one).
    func insert(_ rows: [StoreRow], into table: StoreTable) throws {
        let columns = table.columns.map { quoted($0.name) }.joined(separator: ", ")
        let values = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
        try mapped {
            let statement = try db.cachedStatement(
                sql: "INSERT INTO \(quoted(table.name)) (\(columns)) VALUES (\(values))")
            for row in rows {
                try statement.execute(arguments: StatementArguments(row.values.map(Self.argument)))
            }
        }
    }

    /// Nothing to do: `INTEGER PRIMARY KEY` numbers after the largest id, and AUTOINCREMENT's
    /// counter (`sqlite_sequence`) follows the ids inserted.
    func finish(_ table: StoreTable) throws {}

    private static func argument(_ value: StoreValue) -> (any DatabaseValueConvertible)? {
        switch value {
        case .null: nil
        case .integer(let number): number
        case .text(let text): text
        case .blob(let data): data
        }
    }

    private func select(_ table: StoreTable) -> String {
        let columns = table.columns.map { column in
            [.text, .blob].contains(column.kind)
                ? "CAST(\(quoted(column.name)) AS BLOB)" : quoted(column.name)
        }
        return "SELECT \(columns.joined(separator: ", ")) FROM \(quoted(table.name)) ORDER BY "
            + table.orderBy.map(quoted).joined(separator: ", ")
    }

    /// A row as neutral values: text that is not UTF-8 stays bytes, and a number where an
    /// integer belongs but is not one becomes text, so the copy names it instead of guessing.
    private func decode(_ row: Row, of table: StoreTable) -> StoreRow {
        StoreRow(
            table.columns.indices.map { index in
                let value: DatabaseValue = row[index]
                switch (table.columns[index].kind, value.storage) {
                case (_, .null): return .null
                case (.text, .blob(let data)):
                    return String(validating: data, as: UTF8.self).map(StoreValue.text) ?? .blob(data)
                case (_, .blob(let data)): return .blob(data)
                case (_, .int64(let number)): return .integer(number)
                case (_, .double(let number)): return .text(String(number))
                case (_, .string(let text)): return .text(text)
                }
            })
    }

    private func quoted(_ name: String) -> String { "\"\(name)\"" }

    private func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        }
    }
}
