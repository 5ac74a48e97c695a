import Foundation
import PilothouseEngine
import PostgresNIO

/// The statements of one transaction, as the store's concept files write them: `$1`, `$2`…
/// placeholders, typed rows back.
struct PostgresTransaction {
    let session: PostgresLink.Session
    /// Where the store lives, for messages.
    let location: String

    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> Int {
        try session.query(sql, arguments).metadata.rows ?? 0
    }

    func rows(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> [PostgresStoreRow] {
        try session.query(sql, arguments).rows.map { PostgresStoreRow(row: $0.makeRandomAccess()) }
    }

    func row(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> PostgresStoreRow? {
        try rows(sql, arguments).first
    }

    /// The first column of the first row, or nil when there is no row or it is NULL.
    func value<T: PostgresDecodable>(
        _ sql: String, _ arguments: [any SQLArgument] = [], as type: T.Type = T.self
    )
        throws -> T? where T._DecodableType == T
    {
        guard let row = try session.query(sql, arguments).rows.first, let cell = row.first else { return nil }
        return try cell.decode(T?.self)
    }
}

/// One row of a result, read by column name.
struct PostgresStoreRow {
    let row: PostgresRandomAccessRow

    /// The column's value; a NULL reads as nil when `T` is optional, and fails otherwise.
    subscript<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) -> T {
        get throws { try row[column].decode(T.self) }
    }

    func callAsFunction<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try row[column].decode(T.self)
    }
}
