import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// What an operator typed for an id: the whole ULID, or an unambiguous prefix or suffix
    /// (lists show the last eight characters).
    enum Resolution<Value> {
        case found(Value)
        case none
        case ambiguous(Int)
    }

    /// Finds the one row of `table` whose id matches `text`, decoded with `decode`.
    func resolve<Value: Identifiable>(
        _ text: String, in table: String, decode: (PostgresStoreRow) throws -> Value?
    ) throws -> Resolution<Value> where Value.ID == JobID {
        let needle = text.trimmingCharacters(in: .whitespaces).uppercased()
        // Letters and digits only: nothing that LIKE or SQL would read as syntax.
        guard !needle.isEmpty, needle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return .none
        }
        let matches = try read { tx in
            try tx.rows(
                "SELECT * FROM \(table) WHERE id = $1 OR id LIKE $2 OR id LIKE $3 LIMIT 3",
                [needle, needle + "%", "%" + needle]
            ).compactMap(decode)
        }
        if let exact = matches.first(where: { $0.id.rawValue == needle }) { return .found(exact) }
        guard let first = matches.first else { return .none }
        return matches.count == 1 ? .found(first) : .ambiguous(matches.count)
    }
}
