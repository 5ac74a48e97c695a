import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// What an operator typed for an id: the whole ULID, or an unambiguous prefix or suffix
    /// (lists show the last eight characters).
    enum Resolution<Value> {
        case found(Value)
        case none
        case ambiguous(Int)
    }

    /// Finds the one row of `table` whose id matches `text`, decoded with `decode`.
    func resolve<Value: Identifiable>(
        _ text: String, in table: String, decode: @escaping (Row) throws -> Value?
    ) throws -> Resolution<Value> where Value.ID == JobID {
        let needle = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard !needle.isEmpty, needle.allSatisfy({ $0.isLetter || $0.isNumber }) else { return .none }
        let matches = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM \(table) WHERE id = ? OR id LIKE ? OR id LIKE ? LIMIT 3",
                arguments: [needle, needle + "%", "%" + needle]
            ).compactMap(decode)
        }
        if let exact = matches.first(where: { $0.id.rawValue == needle }) { return .found(exact) }
        guard let first = matches.first else { return .none }
        return matches.count == 1 ? .found(first) : .ambiguous(matches.count)
    }
}
