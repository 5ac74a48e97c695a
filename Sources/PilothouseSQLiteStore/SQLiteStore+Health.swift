import GRDB
import PilothouseEngine

extension SQLiteStore {
    /// SQLite's own check of the file: "ok", or the first problems it found.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA quick_check").joined(separator: "; ") }
    }
}
