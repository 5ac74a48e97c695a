import Foundation

/// Idle worktrees of merged jobs, kept in `.pilothouse/worktrees/.pool/` to be reused by the
/// next job instead of created and removed again (`worktree add` is three git processes and a
/// checkout of every file; reusing one is a `checkout` of what changed and a `clean`).
///
/// Every move in and out is one `rename(2)`, so two engines (or an engine and `pilothouse gc`)
/// can never take the same idle worktree: the loser's rename fails and it tries the next one.
/// A worktree taken from the pool still holds the previous job's files; the taker always resets
/// and cleans it before recording it as its job's (`WorktreeManager.prepare`), and no stage
/// uses a worktree without that record, so a crash at any point never shows one job another's
/// files.
struct WorktreePool: Sendable {
    /// `.pilothouse/worktrees/.pool`.
    let directory: String
    /// The common git directory, to check the registrations of what is in the pool.
    let commonDirectory: String
    /// Idle worktrees kept at most; beyond that, a finished job's worktree is removed.
    let capacity: Int

    /// The names of idle worktrees, which are their administrative directories' names.
    func idle() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            !$0.hasPrefix(".")
        }
    }

    /// The idle worktrees, the most recently given back first: it was reset (or its job based)
    /// the latest, so the next `checkout` to the integration tip rewrites the fewest files.
    /// A `rename(2)` into the pool sets the directory's change time.
    func newestFirst() -> [String] {
        idle().map { name -> (name: String, changed: timespec) in
            var info = stat()
            guard lstat(directory + "/" + name, &info) == 0 else { return (name, timespec()) }
            return (name, info.st_ctim)
        }.sorted { ($0.changed.tv_sec, $0.changed.tv_nsec) > ($1.changed.tv_sec, $1.changed.tv_nsec) }.map(
            \.name)
    }

    /// Moves an idle worktree to `path` (the most recently given back one that is still
    /// there) and returns its registration there, or nil when the pool is empty. An idle entry
    /// that is no longer a registered worktree is thrown away.
    func take(to path: String) throws(WorkspaceError) -> WorktreeRegistration? {
        for name in newestFirst() {
            let slot = directory + "/" + name
            // Only a real directory is ever taken: a symlink planted here would have the next
            // job reset (and a test run in) whatever it points at.
            guard WorktreeRegistration.isPlainDirectory(slot) else {
                try WorktreeTrash(worktreesDirectory: (directory as NSString).deletingLastPathComponent)
                    .discard(slot, registration: nil)
                continue
            }
            guard rename(slot, path) == 0 else {
                if errno == ENOENT { continue }  // another process took it first
                throw .io(
                    path: slot, detail: "could not move it to \(path): \(String(cString: strerror(errno)))")
            }
            let admin = WorktreeRegistration.adminDirectory(
                named: path + "/.git", commonDirectory: commonDirectory)
            guard let admin, (admin as NSString).lastPathComponent == name,
                WorktreeRegistration.isPlainDirectory(path)
            else {
                try WorktreeTrash(worktreesDirectory: (directory as NSString).deletingLastPathComponent)
                    .discard(path, registration: nil)
                continue
            }
            return try WorktreeRegistration(path: slot, adminDirectory: admin).relinked(to: path)
        }
        return nil
    }

    /// Moves a worktree into the pool (named after its administrative directory); false when
    /// the pool is full and the caller should remove it instead.
    func giveBack(_ registration: WorktreeRegistration) throws(WorkspaceError) -> Bool {
        guard idle().count < capacity else { return false }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory, detail: error.localizedDescription)
        }
        try registration.clearBase()
        let slot = directory + "/" + (registration.adminDirectory as NSString).lastPathComponent
        // Relinked before the move, never after: once in the pool another job may take it at
        // once and relink it to itself, and a late relink here would point git away from it.
        _ = try registration.relinked(to: slot)
        guard rename(registration.path, slot) == 0 else {
            throw .io(
                path: registration.path,
                detail: "could not move it to the worktree pool: \(String(cString: strerror(errno)))")
        }
        return true
    }
}
