import Foundation
import GRDB
import PilothouseEngine

/// Checks a store file without modifying it, before the writable pool opens it.
///
/// Opening a `DatabasePool` switches the file to WAL and may run migrations; on a file we
/// must not use (garbage, read-only, from a newer Pilothouse, a damaged schema) that would
/// be a write, and the operator's evidence would change under them.
enum SQLiteStorePreflight {
    static let sqliteMagic = Array("SQLite format 3\u{0}".utf8)

    /// Checks `path` before it is opened; `forWriting: false` accepts a read-only file for
    /// commands that only read.
    static func check(path: String, forWriting: Bool = true) throws(StoreError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missing(path: path) }
        if isDirectory.boolValue { throw .notADatabase(path: path, detail: "it is a directory") }

        // Sidecars first: a writer that appears after this look changes what the next ones see.
        let sidecarsExisted = WALSidecars.exist(for: path)
        // Permission bits, not access(2): root may read and write anything, but a file the
        // operator made unreadable or read-only is a request to leave it alone.
        let attributes = try? manager.attributesOfItem(atPath: path)
        let mode = (attributes?[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o644
        guard mode & 0o400 != 0, let first = Look.take(path: path, sidecars: sidecarsExisted) else {
            throw .unreadable(path: path, mode: mode)
        }
        if first.header.isEmpty { throw .notADatabase(path: path, detail: "the file is empty") }
        if first.header.count < 100 || Array(first.header.prefix(16)) != sqliteMagic {
            throw .notADatabase(path: path, detail: "the file does not start with the SQLite header")
        }
        if let expected = first.shortOf {
            // Shorter than its header says: cut off (a bad copy, a full disk) — or another
            // process checkpointing at this moment (header written, last pages not yet). Only
            // a second look that agrees, with no writer seen, is a verdict.
            let second = Look.take(path: path, sidecars: WALSidecars.exist(for: path))
            if Look.isTruncated(first, second) {
                throw .notADatabase(
                    path: path,
                    detail: "it is truncated: \(first.size) bytes of the \(expected) its header records")
            }
        }

        let directory = (path as NSString).deletingLastPathComponent
        if forWriting,
            mode & 0o200 == 0 || !manager.isWritableFile(atPath: path)
                || !manager.isWritableFile(atPath: directory.isEmpty ? "." : directory)
        {
            throw .readOnly(path: path)
        }
        do {
            try checkSchema(path: path)
        } catch {
            // Only beside a file this check refuses: a good store may be opened by another
            // process at this very moment, and its fresh -wal/-shm must never be unlinked
            // (two processes enqueueing at once met "disk I/O error" that way).
            if !sidecarsExisted { WALSidecars.removeIfUnused(for: path) }
            throw error
        }
    }

    /// The database size in bytes the header records, when the header says it is current.
    static func recordedSize(_ header: Data) -> Int? {
        let bytes = Array(header)
        func integer(_ offset: Int, _ count: Int) -> Int {
            bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
        }
        let rawPageSize = integer(16, 2)
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        let pages = integer(28, 4)
        // The size field is valid only when "version-valid-for" matches the change counter.
        guard pages > 0, pageSize >= 512, integer(92, 4) == integer(24, 4) else { return nil }
        return pages * pageSize
    }

    /// Reads the schema through a read-only connection: ours, not newer, and whole.
    private static func checkSchema(path: String) throws(StoreError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(SQLiteStore.busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            let known = Set(SQLiteStoreSchema.migrator.migrations)
            let damage: [String] = try queue.read { db in
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
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                let unknown = applied.filter { !known.contains($0) }.sorted()
                if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknown: unknown) }
                return try SQLiteStoreSchema.damage(in: db, applied: applied)
            }
            if !damage.isEmpty { throw StoreError.damagedSchema(path: path, problems: damage) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(error, path: path)
        }
    }

    /// One look at the file: whether `-wal`/`-shm` were beside it (looked at first), its size
    /// and its first 100 bytes.
    struct Look: Equatable {
        var sidecars: Bool
        var size: Int
        var header: Data

        static func take(path: String, sidecars: Bool) -> Look? {
            let size =
                (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
            defer { try? handle.close() }
            return Look(sidecars: sidecars, size: size, header: (try? handle.read(upToCount: 100)) ?? Data())
        }

        /// The size the header records, when the file is shorter than that.
        var shortOf: Int? {
            guard header.count == 100, let expected = SQLiteStorePreflight.recordedSize(header),
                size < expected
            else {
                return nil
            }
            return expected
        }

        /// Without a `-wal`, the file alone is the database, so shorter than its header says
        /// means cut off. A writer shows itself as sidecars in either look, or as a size or
        /// header that changed between the two (a checkpoint that ran in between).
        static func isTruncated(_ first: Look, _ second: Look?) -> Bool {
            guard let second, !first.sidecars, !second.sidecars else { return false }
            return first == second && first.shortOf != nil
        }
    }
}
