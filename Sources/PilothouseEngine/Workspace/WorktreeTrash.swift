import Foundation

/// Removes worktrees (and stray directories where a worktree belongs) without git.
///
/// The directory is first renamed into `.pilothouse/worktrees/.trash/`, one `rename(2)`: from
/// then on no other process can find it under the job's name, so a concurrent `prepare` creates
/// a fresh worktree rather than reusing a half-deleted one, and two removers cannot both delete
/// it. Then git's registration goes (the administrative directory, which is all
/// `git worktree prune` would remove) and the files.
struct WorktreeTrash: Sendable {
    /// `.pilothouse/worktrees`.
    let worktreesDirectory: String

    var directory: String { worktreesDirectory + "/.trash" }

    /// Removes `path` and, when given, its registration. Nothing at `path` is not an error.
    func discard(_ path: String, registration: WorktreeRegistration?) throws(WorkspaceError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory, detail: error.localizedDescription)
        }
        let claimed = directory + "/" + UUID().uuidString
        guard rename(path, claimed) == 0 else {
            if errno == ENOENT { return }  // someone else removed it first
            throw .io(
                path: path,
                detail: "could not move it aside to remove it: \(String(cString: strerror(errno)))")
        }
        try registration?.unregister()
        try remove(claimed)
    }

    /// Empties what an earlier, interrupted removal left in the trash.
    func sweep() throws(WorkspaceError) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            try remove(directory + "/" + name)
        }
    }

    private func remove(_ path: String) throws(WorkspaceError) {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            // A directory a test or agent made unwritable: make it writable and try once more.
            Self.makeWritable(path)
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw .io(path: path, detail: "could not remove it: \(error.localizedDescription)")
            }
        }
    }

    /// Gives the owner rwx on every directory below `path`, top down, never following links.
    private static func makeWritable(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return }
        chmod(path, 0o700)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            makeWritable(path + "/" + name)
        }
    }
}
