import Foundation
import PilothouseCore

/// Git's record of one linked worktree, read and written as the plain files git itself uses
/// (gitrepository-layout(5)): the worktree's `.git` file names its administrative directory
/// `<common git dir>/worktrees/<name>`, whose `gitdir` file names the worktree back and whose
/// `HEAD` holds the checked-out commit.
///
/// Reading these files costs no process, where `git worktree list` and `git rev-parse` cost one
/// each; the engine used to start five of each per job only to find out what it had created.
/// Nothing here trusts the worktree's `.git` file (a CLI agent can rewrite it): the
/// administrative directory must be a direct child of `<common>/worktrees/` and must name the
/// same worktree back, or there is no registration.
struct WorktreeRegistration: Sendable, Equatable {
    /// The worktree directory, symlinks resolved.
    let path: String
    /// `<common git dir>/worktrees/<name>`.
    let adminDirectory: String

    /// The file in the administrative directory where Pilothouse records which job the
    /// worktree belongs to and its base commit. Git ignores files it does not know there, and
    /// the file goes when the worktree's registration goes.
    static let baseFileName = "pilothouse-base"

    /// The registration of the worktree at `path`, or nil when `path` is not a directory whose
    /// `.git` names a live administrative directory that names `path` back.
    static func find(at path: String, commonDirectory: String) -> WorktreeRegistration? {
        guard isPlainDirectory(path) else { return nil }
        guard let admin = adminDirectory(named: path + "/.git", commonDirectory: commonDirectory) else {
            return nil
        }
        let real = realPath(path)
        guard let back = readLine(admin + "/gitdir"), back == real + "/.git" else { return nil }
        return WorktreeRegistration(path: real, adminDirectory: admin)
    }

    /// The administrative directory a worktree's `.git` file names, if it is a direct child of
    /// `<common>/worktrees/` that exists.
    static func adminDirectory(named dotGit: String, commonDirectory: String) -> String? {
        guard let line = readLine(dotGit), line.hasPrefix("gitdir: ") else { return nil }
        var target = String(line.dropFirst("gitdir: ".count))
        if !target.hasPrefix("/") { target = (dotGit as NSString).deletingLastPathComponent + "/" + target }
        let admin = realPath(target)
        let parent = (admin as NSString).deletingLastPathComponent
        guard parent == realPath(commonDirectory) + "/worktrees", isPlainDirectory(admin) else { return nil }
        return admin
    }

    /// The commit checked out, when HEAD is detached (as every Pilothouse worktree is).
    func detachedHead() -> String? {
        guard let head = Self.readLine(adminDirectory + "/HEAD"), Self.isObjectName(head) else { return nil }
        return head
    }

    /// The base commit recorded for `job`, or nil when the worktree is not (yet) that job's.
    func recordedBase(for job: JobID) -> String? {
        guard let line = Self.readLine(adminDirectory + "/" + Self.baseFileName) else { return nil }
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 2, fields[0] == job.rawValue, Self.isObjectName(String(fields[1])) else {
            return nil
        }
        return String(fields[1])
    }

    /// Records that the worktree now belongs to `job`, at `base`. Written last when a worktree
    /// is prepared, so a crash before it leaves a worktree no stage will take as the job's.
    func recordBase(_ base: String, for job: JobID) throws(WorkspaceError) {
        try Self.writeAtomically(
            job.rawValue + " " + base + "\n", to: adminDirectory + "/" + Self.baseFileName)
    }

    /// Forgets the job the worktree belonged to; the first step of giving it back.
    func clearBase() throws(WorkspaceError) {
        let file = adminDirectory + "/" + Self.baseFileName
        guard unlink(file) == 0 || errno == ENOENT else {
            throw .io(path: file, detail: String(cString: strerror(errno)))
        }
    }

    /// Points the administrative directory at the worktree's new place after a rename.
    func relinked(to newPath: String) throws(WorkspaceError) -> WorktreeRegistration {
        let real = Self.realPath(newPath)
        try Self.writeAtomically(real + "/.git\n", to: adminDirectory + "/gitdir")
        return WorktreeRegistration(path: real, adminDirectory: adminDirectory)
    }

    /// Removes the administrative directory (what `git worktree prune` would do once the
    /// worktree is gone), so git forgets the worktree without a process.
    ///
    /// The directory is first renamed out of `worktrees/`, so a concurrent git command never
    /// reads it half deleted (`git worktree add` dies on a registration without `commondir`).
    func unregister() throws(WorkspaceError) {
        let commonDirectory = ((adminDirectory as NSString).deletingLastPathComponent as NSString)
            .deletingLastPathComponent
        let aside = commonDirectory + "/pilothouse-removed-" + UUID().uuidString
        let target = rename(adminDirectory, aside) == 0 ? aside : adminDirectory
        do {
            try FileManager.default.removeItem(atPath: target)
        } catch {
            if FileManager.default.fileExists(atPath: target) {
                throw .io(path: target, detail: error.localizedDescription)
            }
        }
    }

    static func isObjectName(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64)
            && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// A directory that is not a symbolic link (one planted where a worktree belongs is never
    /// followed).
    static func isPlainDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else {
            // Not there (yet): resolve the parent, which is.
            let parent = (path as NSString).deletingLastPathComponent
            guard parent != path, let resolvedParent = realpath(parent, nil) else { return path }
            defer { free(resolvedParent) }
            return String(cString: resolvedParent) + "/" + (path as NSString).lastPathComponent
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The first line of a small file git wrote, or nil.
    static func readLine(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 4096), !data.isEmpty else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(
            String.init)
    }

    static func writeAtomically(_ text: String, to path: String) throws(WorkspaceError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .io(path: path, detail: error.localizedDescription)
        }
    }
}
