import Foundation

/// One table of the store as a copy sees it: its columns and their kinds, the order its rows
/// are read in, and what a fresh schema already holds in it.
public struct StoreTable: Sendable, Hashable, CustomStringConvertible {
    /// What a column holds, whatever the backend calls the type.
    public enum Kind: Sendable, Hashable {
        case integer
        case text
        case blob
        /// `BOOLEAN` in PostgreSQL, 0 or 1 in SQLite; an integer in a `StoreRow`.
        case boolean
    }

    public struct Column: Sendable, Hashable {
        public let name: String
        public let kind: Kind
    }

    public let name: String
    public let columns: [Column]
    /// The primary key: rows are read in this order, and a message names a row by it.
    public let orderBy: [String]
    /// The column the backend numbers itself (`BIGSERIAL`, `INTEGER PRIMARY KEY`), if any.
    public let serial: String?
    /// The rows a freshly migrated schema already holds (the chain head's genesis row): an
    /// empty store holds these and nothing else, and a copy replaces them.
    public let seedRows: [StoreRow]
    /// Whether a row may be large (model output, test logs, transcripts) though no column is a
    /// blob.
    public let wide: Bool

    public init(
        _ name: String, _ columns: [(String, Kind)], orderBy: [String], serial: String? = nil,
        seedRows: [StoreRow] = [], wide: Bool = false
    ) {
        self.name = name
        self.columns = columns.map { Column(name: $0.0, kind: $0.1) }
        self.orderBy = orderBy
        self.serial = serial
        self.seedRows = seedRows
        self.wide = wide
    }

    public var description: String { name }

    /// Where `column` is in a row of this table.
    public func index(of column: String) -> Int? {
        columns.firstIndex { $0.name == column }
    }

    /// How many rows travel together: fewer for tables whose rows may be megabytes each
    /// (blobs: patches, cached responses; long text: transcripts, outputs).
    public var batchRows: Int {
        wide || columns.contains { $0.kind == .blob } ? 32 : 500
    }

    /// The row's primary key as a message shows it: `id=01J…`, `scope=run, scope_key=r1`.
    public func key(of row: StoreRow) -> String {
        orderBy.compactMap { column in
            index(of: column).map { "\(column)=\(row.values[$0])" }
        }.joined(separator: ", ")
    }
}
