import Foundation

/// Removes everything git does not track from a worktree (what `git clean -ffdx` does), with
/// the tracked paths read from the index file instead of a git process (`GitIndexFile`).
///
/// A pooled worktree is reset for every job and every merge-queue test: `checkout` then
/// `clean`, two processes; this is the second one without a process. Only directories that
/// hold tracked paths are entered; anything else that is not tracked (files, untracked
/// directories, nested repositories, symlinks) is removed without following a link, so a link
/// a test planted to somewhere outside removes the link, never what it points at.
///
/// `clean` returns false, having changed nothing, when the index cannot be read with certainty
/// or the worktree holds something git's checkout would not have left (a tracked directory
/// that is a symlink or a file): the caller then runs `git clean`, which knows better.
struct WorktreeCleaner: Sendable {
    /// The worktree's root directory.
    let root: String
    /// The worktree's index file (`<admin dir>/index` for a linked worktree).
    let index: String

    /// A file or directory that could not be removed.
    struct Failure: Error {
        let path: String
        let detail: String
    }

    /// Removes what is not tracked; false when the caller must ask git instead.
    func clean() throws(Failure) -> Bool {
        guard let tracked = GitIndexFile(contentsOf: index) else { return false }
        var doomed: [[UInt8]] = []
        guard collect(in: [], tracked: tracked, into: &doomed) else { return false }
        for relative in doomed { try remove(absolute(relative)) }
        return true
    }

    /// Finds what to remove below `directory` (relative to the root); false when the worktree
    /// does not look like a fresh checkout of the index.
    private func collect(in directory: [UInt8], tracked: GitIndexFile, into doomed: inout [[UInt8]]) -> Bool {
        guard let names = Self.names(in: absolute(directory)) else { return false }
        for name in names {
            if directory.isEmpty, name == [UInt8](".git".utf8) { continue }
            let relative = directory.isEmpty ? name : directory + [UInt8(ascii: "/")] + name
            if tracked.gitlinks.contains(relative) { continue }
            let kind = Self.kind(absolute(relative))
            if tracked.files.contains(relative) {
                if kind == S_IFDIR { return false }
                continue
            }
            if tracked.directories.contains(relative) {
                guard kind == S_IFDIR else { return false }
                guard collect(in: relative, tracked: tracked, into: &doomed) else { return false }
                continue
            }
            doomed.append(relative)
        }
        return true
    }

    private func absolute(_ relative: [UInt8]) -> [UInt8] {
        relative.isEmpty ? [UInt8](root.utf8) : [UInt8](root.utf8) + [UInt8(ascii: "/")] + relative
    }

    /// Removes a file, link or whole directory tree, never following a link. A directory a
    /// test made unwritable is made writable first.
    private func remove(_ path: [UInt8]) throws(Failure) {
        if Self.kind(path) == S_IFDIR {
            if Self.withCString(path, { access($0, W_OK | X_OK | R_OK) }) != 0 {
                _ = Self.withCString(path) { chmod($0, 0o700) }
            }
            guard let names = Self.names(in: path) else { throw failure(path, "cannot list it") }
            for name in names { try remove(path + [UInt8(ascii: "/")] + name) }
            guard Self.withCString(path, { rmdir($0) }) == 0 else { throw failure(path, "cannot remove it") }
        } else {
            guard Self.withCString(path, { unlink($0) }) == 0 || errno == ENOENT else {
                throw failure(path, "cannot remove it")
            }
        }
    }

    private func failure(_ path: [UInt8], _ what: String) -> Failure {
        Failure(
            path: String(decoding: path, as: UTF8.self),
            detail: "\(what): \(String(cString: strerror(errno)))")
    }

    /// The type bits of `path` (`S_IFDIR`, `S_IFREG`, `S_IFLNK`, …) without following a link;
    /// 0 when it is gone.
    private static func kind(_ path: [UInt8]) -> mode_t {
        var info = stat()
        guard withCString(path, { lstat($0, &info) }) == 0 else { return 0 }
        return info.st_mode & S_IFMT
    }

    /// The names in a directory as raw bytes (git does not require them to be UTF-8).
    private static func names(in directory: [UInt8]) -> [[UInt8]]? {
        guard let handle = withCString(directory, { opendir($0) }) else { return nil }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(name)
        }
        return names
    }

    private static func withCString<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
