import Foundation
import GRDB

/// Checks a store file without modifying it, before the writable pool opens it.
///
/// Opening a `DatabasePool` switches the file to WAL and may run migrations; on a file we
/// must not use (garbage, read-only, from a newer Pilothouse) that would be a write, and
/// the operator's evidence would change under them.
enum StorePreflight {
    static let sqliteMagic = Array("SQLite format 3\u{0}".utf8)

    static func check(path: String) throws(StoreError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missing(path: path) }
        if isDirectory.boolValue { throw .notADatabase(path: path, detail: "it is a directory") }

        guard let handle = FileHandle(forReadingAtPath: path) else { throw .readOnly(path: path) }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        if header.isEmpty { throw .notADatabase(path: path, detail: "the file is empty") }
        if header.count < 100 || Array(header.prefix(16)) != sqliteMagic {
            throw .notADatabase(path: path, detail: "the file does not start with the SQLite header")
        }

        // Permission bits, not access(2): root may write anything, but a file the operator
        // made read-only is a request to leave it alone.
        let attributes = try? manager.attributesOfItem(atPath: path)
        let mode = (attributes?[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o644
        let directory = (path as NSString).deletingLastPathComponent
        if mode & 0o200 == 0 || !manager.isWritableFile(atPath: path)
            || !manager.isWritableFile(atPath: directory.isEmpty ? "." : directory)
        {
            throw .readOnly(path: path)
        }

        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(Store.busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            let known = Set(StoreSchema.migrator.migrations)
            let applied: [String] = try queue.read { db in
                guard try db.tableExists("grdb_migrations") else {
                    // A valid SQLite file that is not ours (or is empty of tables).
                    let tables = try String.fetchAll(
                        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                    if !tables.isEmpty {
                        throw StoreError.notADatabase(
                            path: path, detail: "it is an SQLite file of another program")
                    }
                    return []
                }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
            let unknown = applied.filter { !known.contains($0) }.sorted()
            if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknown: unknown) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(error, path: path)
        }
    }
}
