import Foundation
import PilothouseCore

/// One value of a stored row, as both backends can hold it: what a copy carries from one
/// backend to the other. Booleans travel as integers 0 and 1, as SQLite keeps them.
public enum StoreValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case text(String)
    case blob(Data)

    /// The value as a message shows it (a row's key).
    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        case .text(let text): ShownName.of(text)
        case .blob(let data): "<\(data.count) bytes>"
        }
    }
}

/// One row of a table, its values in the order of `StoreTable.columns`.
public struct StoreRow: Sendable, Hashable {
    public var values: [StoreValue]

    public init(_ values: [StoreValue]) {
        self.values = values
    }
}

extension StoreValue {
    /// The integer, or nil for any other value.
    public var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The text, or nil for any other value.
    public var text: String? {
        if case .text(let text) = self { text } else { nil }
    }
}

extension StoreTable {
    /// The value of `column` in `row`; `.null` for a column this table does not have.
    public func value(_ column: String, in row: StoreRow) -> StoreValue {
        guard let index = index(of: column), index < row.values.count else { return .null }
        return row.values[index]
    }
}
