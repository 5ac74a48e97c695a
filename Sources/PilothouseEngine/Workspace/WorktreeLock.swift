import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `flock(2)` on `.pilothouse/worktrees/.lock`, between the engine and `pilothouse gc`.
///
/// The engine holds it shared while it prepares, hands back or removes a job's worktree, so
/// any number of jobs do that at once; gc holds it exclusively while it re-reads one job's
/// state and removes that job's worktree and refs. So gc never removes a worktree between an
/// operator's retry and the engine preparing it: either gc looked first (and the engine then
/// builds a fresh one), or the engine did (and gc then sees a job that is active again). Each
/// holder opens the file itself, so two holders in one process exclude each other too.
struct WorktreeLock: Sendable {
    let path: String

    func shared<T>(_ body: () throws(WorkspaceError) -> T) throws(WorkspaceError) -> T {
        try holding(LOCK_SH, body)
    }

    func exclusive<T>(_ body: () throws(WorkspaceError) -> T) throws(WorkspaceError) -> T {
        try holding(LOCK_EX, body)
    }

    private func holding<T>(_ operation: Int32, _ body: () throws(WorkspaceError) -> T) throws(WorkspaceError)
        -> T
    {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory, detail: error.localizedDescription)
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, detail: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        while flock(descriptor, operation) != 0 {
            guard errno == EINTR else {
                throw .io(path: path, detail: "could not lock it: \(String(cString: strerror(errno)))")
            }
        }
        return try body()
    }
}
