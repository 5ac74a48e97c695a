import Foundation
import PilothouseEngine

#if canImport(Glibc)
    import Glibc
#endif

/// The `-wal` and `-shm` files SQLite keeps beside a database in WAL mode.
///
/// A read-only connection creates them but cannot remove them when it closes (removing needs
/// a checkpoint, which is a write). Checking a file Pilothouse then refuses would leave two
/// unexplained files beside the operator's evidence; `removeIfUnused` takes them away again
/// when nobody else has the database open.
enum WALSidecars {
    static func paths(of database: String) -> (wal: String, shm: String) {
        (database + "-wal", database + "-shm")
    }

    static func exist(for database: String) -> Bool {
        let (wal, shm) = paths(of: database)
        return FileManager.default.fileExists(atPath: wal) || FileManager.default.fileExists(atPath: shm)
    }

    /// Deletes an empty `-wal` and its `-shm` if no connection (of any process) uses them.
    /// Call it only for a database nobody should be using (one Pilothouse refuses): a process
    /// that opened the files a moment ago but does not hold its lock yet would lose them.
    ///
    /// Every SQLite connection holds a shared lock on the "dead man switch" byte of the
    /// `-shm` file while it is open; getting an exclusive lock on that byte proves no one
    /// does, and the files are removed while holding it (SQLite itself reinitialises the
    /// file under the same proof).
    static func removeIfUnused(for database: String) {
        let (wal, shm) = paths(of: database)
        let walSize =
            (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? NSNumber)?.intValue ?? 0
        guard walSize == 0 else { return }
        let descriptor = open(shm, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            if !FileManager.default.fileExists(atPath: shm) { unlink(wal) }
            return
        }
        defer { close(descriptor) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = deadManSwitchOffset
        lock.l_len = 1
        guard fcntl(descriptor, F_SETLK, &lock) == 0 else { return }
        unlink(wal)
        unlink(shm)
    }

    /// `UNIX_SHM_DMS` in SQLite's os_unix.c: the byte after the eight WAL lock bytes at 120.
    private static let deadManSwitchOffset: off_t = 128
}
