import GRDB
import PilothouseEngine

extension SQLiteStoreSchema {
    /// What is wrong with the schema of `db` compared with what its recorded migrations
    /// define, one phrase per problem; empty when it is whole.
    ///
    /// The expected schema is not written down twice: the same migrations run on an empty
    /// in-memory database, up to the last one the file records, so an older store that still
    /// needs a migration compares against its own version. `applied` are the identifiers in
    /// `grdb_migrations`, all known to this build.
    static func damage(in db: Database, applied: [String]) throws -> [String] {
        let known = migrator.migrations
        let recorded = Set(applied)
        guard let last = known.lastIndex(where: recorded.contains) else {
            let tables = try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY name"
            )
            return tables.isEmpty
                ? []
                : [
                    "no migration is recorded, yet tables exist (\(tables.joined(separator: ", "))): the rows of grdb_migrations were deleted"
                ]
        }
        var problems = known[...last].filter { !recorded.contains($0) }.map {
            "migration \($0) is not recorded although later ones are: its row in grdb_migrations was deleted"
        }
        let reference = try DatabaseQueue()
        try migrator.migrate(reference, upTo: known[last])
        let expected = try reference.read { try SQLiteStoreSchemaShape.read($0) }
        problems += try SQLiteStoreSchemaShape.read(db).differences(from: expected)
        return problems
    }
}
