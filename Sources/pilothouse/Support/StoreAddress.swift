import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore
import PilothouseSQLiteStore

/// Where a store lives, as `store copy --to/--from` take it: a PostgreSQL URL
/// (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, parsed by `PostgresStoreURL`, the
/// password from `PGPASSWORD` or `~/.pgpass` when it carries none), or a SQLite file as a path
/// or `sqlite:PATH`.
enum StoreAddress: Equatable {
    case sqlite(path: String)
    case postgres(PostgresStoreURL)

    init(parsing text: String) throws {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try RepositoryOptions.withPassword(text))
            return
        }
        var path = text
        if lowered.hasPrefix("sqlite://") {
            path = String(text.dropFirst("sqlite://".count))
        } else if lowered.hasPrefix("sqlite:") {
            path = String(text.dropFirst("sqlite:".count))
        } else if let scheme = text.range(of: "://") {
            throw CommandFailure(
                "\(ShownName.of(String(text[..<scheme.lowerBound]))):// is not a store Pilothouse knows; give a postgres:// URL or the path of a SQLite file"
            )
        }
        guard !path.isEmpty else {
            throw CommandFailure("sqlite: needs the path of the file, e.g. sqlite:/backups/pilothouse.db")
        }
        let expanded = (path as NSString).expandingTildeInPath
        self = .sqlite(
            path: expanded.hasPrefix("/")
                ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded)
    }

    /// The store to copy from: it must exist; a read-only SQLite file is read, not refused.
    func openSource() throws -> any StoreTransfer {
        switch self {
        case .sqlite(let path): return try SQLiteStore.openForReading(path: path)
        case .postgres(let url): return try PostgresStore.open(url)
        }
    }

    /// The store to copy into: an existing store, a new SQLite file (its folder must exist), or
    /// an empty PostgreSQL database, which gets the schema.
    func openTarget() throws -> any StoreTransfer {
        switch self {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw CommandFailure(
                    "the folder \(folder) does not exist; create it first (mkdir -p) or copy elsewhere")
            }
            return try SQLiteStore.openOrCreate(path: path)
        case .postgres(let url): return try PostgresStore.open(url)
        }
    }
}
