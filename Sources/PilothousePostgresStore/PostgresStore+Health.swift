import Foundation
import PilothouseEngine

extension PostgresStore {
    /// The store's own consistency check: the tables this build needs are there and the chain
    /// head agrees with the last bead; "ok", or what is wrong. (PostgreSQL checks its pages
    /// itself; what it cannot know is Pilothouse's own invariants.)
    public func integrityCheck() throws -> String {
        try read { tx in
            var problems: [String] = []
            let known = PostgresStoreSchema.migrations.map(\.id)
            let applied = try tx.rows("SELECT id FROM pilothouse_migrations").map {
                try $0("id", as: String.self)
            }
            for missing in known where !applied.contains(missing) {
                problems.append("migration \(missing) is not applied")
            }
            let head = try tx.row("SELECT count, last_hash FROM bead_head WHERE id = 1")
            let last = try tx.row("SELECT seq, hash FROM beads ORDER BY seq DESC LIMIT 1")
            switch (head, last) {
            case (nil, _): problems.append("the bead chain head row is missing")
            case (let head?, nil):
                if try head("count", as: Int64.self) != 0 {
                    problems.append("the chain head counts beads that are gone")
                }
            case (let head?, let last?):
                if try head("count", as: Int64.self) != last("seq", as: Int64.self)
                    || head("last_hash", as: String.self) != last("hash", as: String.self)
                {
                    problems.append("the chain head does not match the last bead")
                }
            }
            return problems.isEmpty ? "ok" : problems.joined(separator: "; ")
        }
    }
}
