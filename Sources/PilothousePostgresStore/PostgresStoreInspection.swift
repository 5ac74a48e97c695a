import Foundation
import PilothouseEngine
import PostgresNIO

/// What a PostgreSQL database holds, found without changing it: `pilothouse doctor --store`.
///
/// `PostgresStore.open` creates the schema in an empty database and migrates an older one;
/// a check must not, so this looks at the tables and the migrations the database records
/// before anything opens it as a store.
public enum PostgresStoreInspection: Sendable, Equatable {
    /// No tables at all: a new database, which the first engine or command makes a store.
    case empty
    /// Tables of something else, and no Pilothouse store: the URL names someone else's
    /// database. Up to five of the table names, sorted.
    case foreign(tables: [String])
    /// Migrations this build does not know: written by a newer Pilothouse.
    case newer(unknown: [String])
    /// A Pilothouse store that lacks this build's latest migrations; the next writer applies
    /// them.
    case older(missing: [String])
    /// A store with exactly this build's schema.
    case current

    /// Connects to `url` and reads what its database holds, in one read-only transaction.
    /// An unreachable server, a refused login or a missing database is a `StoreError` that
    /// says what to check and never shows the password.
    public static func inspect(_ url: PostgresStoreURL) throws(StoreError) -> PostgresStoreInspection {
        do {
            return try PostgresLink(url: url).withConnection { session in
                let tx = PostgresTransaction(session: session, location: url.location)
                try tx.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                defer { session.rollback() }
                let hasStore =
                    try tx.value("SELECT to_regclass('pilothouse_migrations') IS NOT NULL", as: Bool.self)
                    ?? false
                guard hasStore else {
                    let tables = try tx.rows(
                        "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename LIMIT 5"
                    ).map { try $0("name", as: String.self) }
                    return tables.isEmpty ? .empty : .foreign(tables: tables)
                }
                let applied = Set(
                    try tx.rows("SELECT id FROM pilothouse_migrations").map { try $0("id", as: String.self) })
                let known = PostgresStoreSchema.migrations.map(\.id)
                let unknown = applied.subtracting(known).sorted()
                if !unknown.isEmpty { return .newer(unknown: unknown) }
                let missing = known.filter { !applied.contains($0) }
                return missing.isEmpty ? .current : .older(missing: missing)
            }
        } catch let error as PostgresDecodingError {
            throw StoreError.database(
                path: url.location, detail: "column \(error.columnName) holds a value of an unexpected type")
        } catch {
            throw StoreError(postgres: error, url: url)
        }
    }
}
