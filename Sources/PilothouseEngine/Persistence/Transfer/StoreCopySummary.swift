import Foundation

/// What a finished copy did, as `store copy` prints it (`--json`: Docs/JSON.md).
public struct StoreCopySummary: Sendable, Equatable, Encodable {
    public struct Table: Sendable, Equatable, Encodable {
        public var name: String
        public var rows: Int64
    }

    /// Where the rows came from and went, without passwords.
    public var from: String
    public var to: String
    /// Rows per table, in copy order.
    public var tables: [Table]
    /// Rows in all tables.
    public var rows: Int64
    /// The copied chain: its length and newest hash, which `beads verify` on the copy reaches.
    public var beads: Int64
    public var headHash: String
    public var elapsedMs: Int64
}

/// How far a copy is: `copied` of `total` rows of `table` (the snapshot's count).
public struct StoreCopyProgress: Sendable, Equatable {
    public var table: String
    public var copied: Int64
    public var total: Int64
}
