import Foundation
import PilothouseCore
import PilothouseEngine
import PostgresNIO

/// `pilothouse store copy` on PostgreSQL: a snapshot is one REPEATABLE READ transaction read
/// through server-side cursors; an import is one transaction that locks the chain head and
/// every table first, so no engine writes beside the copy, and a copy cut off at any point
/// (the client killed, the connection dropped) is rolled back by the server.
extension PostgresStore: StoreTransfer {
    public func exportSnapshot<T>(_ body: (any StoreExportReader) throws -> T) throws -> T {
        try read { tx in try body(PostgresTransferSide(tx: tx, url: url)) }
    }

    public func importTransaction<T>(_ body: (any StoreImportWriter) throws -> T) throws -> T {
        try write(locking: .chain) { tx in
            let side = PostgresTransferSide(tx: tx, url: url)
            let tables = try side.tableNames().intersection(StoreTables.all.map(\.name)).sorted()
            if !tables.isEmpty {
                try tx.execute(
                    "LOCK TABLE \(tables.map(side.quoted).joined(separator: ", ")) IN SHARE ROW EXCLUSIVE MODE"
                )
            }
            return try body(side)
        }
    }
}

/// One side of a copy inside a transaction on a PostgreSQL store.
struct PostgresTransferSide: StoreExportReader, StoreImportWriter {
    let tx: PostgresTransaction
    let url: PostgresStoreURL

    /// Bound values per statement: PostgreSQL takes at most 65 535.
    private static let maxArguments = 60_000

    func tableNames() throws -> Set<String> {
        try mapped {
            Set(
                try tx.rows(
                    """
                    SELECT table_name::text AS name FROM information_schema.tables
                    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                        AND table_name <> 'pilothouse_migrations'
                    """
                ).map { try $0("name", as: String.self) })
        }
    }

    func columnNames(of table: String) throws -> Set<String> {
        try mapped {
            Set(
                try tx.rows(
                    """
                    SELECT column_name::text AS name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = $1
                    """, [table]
                ).map { try $0("name", as: String.self) })
        }
    }

    func rows(of table: StoreTable, limit: Int) throws -> [StoreRow] {
        try mapped { try tx.rows(select(table) + " LIMIT $1", [limit]).map { try decode($0, of: table) } }
    }

    func count(of table: StoreTable) throws -> Int64 {
        try mapped { try tx.value("SELECT COUNT(*) FROM \(quoted(table.name))", as: Int64.self) ?? 0 }
    }

    /// Reads through a cursor of its own: the server holds the snapshot's rows, the client one
    /// batch.
    func forEachBatch(of table: StoreTable, batchRows: Int, _ body: ([StoreRow]) throws -> Void) throws {
        let cursor =
            "pilothouse_copy_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try mapped { try tx.execute("DECLARE \(cursor) NO SCROLL CURSOR FOR " + select(table)) }
        while true {
            let rows = try mapped {
                try tx.rows("FETCH FORWARD \(batchRows) FROM \(cursor)").map { try decode($0, of: table) }
            }
            if rows.isEmpty { break }
            try body(rows)
            if rows.count < batchRows { break }
        }
        try mapped { try tx.execute("CLOSE \(cursor)") }
    }

    func deleteAll(of table: StoreTable) throws {
        try mapped { _ = try tx.changes("DELETE FROM \(quoted(table.name))") }
    }

    /// Multi-row INSERTs, each waited for, so a refused row stops the copy at once and the
    /// client never holds more than one batch.
    func insert(_ rows: [StoreRow], into table: StoreTable) throws {
        let columns = table.columns.map { quoted($0.name) }.joined(separator: ", ")
        let perStatement = max(1, Self.maxArguments / max(1, table.columns.count))
        var start = rows.startIndex
        while start < rows.endIndex {
            let chunk = rows[start..<min(start + perStatement, rows.endIndex)]
            var arguments: [any SQLArgument] = []
            arguments.reserveCapacity(chunk.count * table.columns.count)
            var tuples: [String] = []
            for row in chunk {
                var placeholders: [String] = []
                for (column, value) in zip(table.columns, row.values) {
                    arguments.append(TransferArgument(value: value, kind: column.kind))
                    placeholders.append("$\(arguments.count)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            try mapped {
                _ = try tx.changes(
                    "INSERT INTO \(quoted(table.name)) (\(columns)) VALUES " + tuples.joined(separator: ", "),
                    arguments)
            }
            start = chunk.endIndex
        }
    }

    /// Moves the table's sequence past the copied ids: the next row the store numbers itself
    /// gets the largest id plus one, as in SQLite.
    func finish(_ table: StoreTable) throws {
        guard let serial = table.serial else { return }
        try mapped {
            _ = try tx.rows(
                """
                SELECT setval(pg_get_serial_sequence($1, $2),
                    COALESCE((SELECT MAX(\(quoted(serial))) FROM \(quoted(table.name))), 0) + 1, false)
                """, [table.name, serial])
        }
    }

    func quoted(_ name: String) -> String { "\"\(name)\"" }

    /// Rows in the order both backends agree on: text keys compared byte by byte (`C`), as
    /// SQLite compares them, whatever the database's locale.
    private func select(_ table: StoreTable) -> String {
        let order = table.orderBy.map { name in
            table.columns.first { $0.name == name }?.kind == .text
                ? "\(quoted(name)) COLLATE \"C\"" : quoted(name)
        }
        return
            "SELECT \(table.columns.map { quoted($0.name) }.joined(separator: ", ")) FROM \(quoted(table.name))"
            + " ORDER BY \(order.joined(separator: ", "))"
    }

    private func decode(_ row: PostgresStoreRow, of table: StoreTable) throws -> StoreRow {
        StoreRow(
            try table.columns.map { column in
                switch column.kind {
                case .integer: try row(column.name, as: Int64?.self).map(StoreValue.integer) ?? .null
                case .text: try row(column.name, as: String?.self).map(StoreValue.text) ?? .null
                case .blob: try row(column.name, as: Data?.self).map(StoreValue.blob) ?? .null
                case .boolean:
                    try row(column.name, as: Bool?.self).map { StoreValue.integer($0 ? 1 : 0) } ?? .null
                }
            })
    }

    private func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PSQLError {
            throw StoreError(postgres: error, url: url)
        } catch let error as PostgresDecodingError {
            throw StoreError.database(
                path: url.location, detail: "column \(error.columnName) holds a value of an unexpected type")
        }
    }
}

/// A copied value bound to its column's type: booleans travel as 0 and 1. Text is bound as it
/// is: the copy refused NUL before (`StoreCopy`), so nothing is replaced silently here.
private struct TransferArgument: SQLArgument {
    let value: StoreValue
    let kind: StoreTable.Kind

    func bind(into bindings: inout PostgresBindings) throws {
        switch value {
        case .null: bindings.appendNull()
        case .integer(let number) where kind == .boolean: bindings.append(number != 0)
        case .integer(let number): bindings.append(number)
        case .text(let text): bindings.append(text)
        case .blob(let data): try bindings.append(data)
        }
    }
}
