import Foundation
import PilothouseCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The methods named `read` and `write` shadow the C functions inside the types that have them.
func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// The only way edits reach a job's worktree.
///
/// Checking a path and then writing to it by name leaves a window in which a symlink can be
/// swapped in (TOCTOU). So nothing here resolves a path as a string: every component is opened
/// with `openat(…, O_NOFOLLOW)` relative to a descriptor of the directory above it, starting
/// from the worktree root, and the final file is replaced with `renameat` in that directory.
/// A symlink at any ancestor, or as the target, is refused; one swapped in after `validate` is
/// still never followed.
public struct PathGuard: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// The rules that need no filesystem (absolute, `..`, `.git`, control characters), plus a
    /// symlink-free walk of the ancestors that exist. Writing repeats the walk, so passing here
    /// is a report, not a permit.
    @discardableResult
    public func validate(_ relativePath: String) throws(PathGuardError) -> String {
        let normalized: String
        do {
            normalized = try PathRules.validate(relativePath: relativePath)
        } catch {
            throw .rule(error)
        }
        let components = normalized.split(separator: "/").map(String.init)
        let directory = try openDirectory(components.dropLast(), creating: false, path: normalized)
        if let directory {
            defer { close(directory) }
            if try entryIsSymlink(components.last!, in: directory, path: normalized) {
                throw .symlink(path: normalized, component: normalized)
            }
        }
        return normalized
    }

    /// The file's bytes, or nil when it does not exist. A symbolic link anywhere on the way is
    /// refused: edits never follow links, so search/replace targets are read exactly as they are
    /// written. To show a file through links that stay inside, `resolve` the path first.
    ///
    /// With `limit`, at most `limit + 1` bytes are read, so a caller that shows only a prefix
    /// can tell a truncated file without holding a huge one in memory.
    public func read(_ relativePath: String, limit: Int? = nil) throws(PathGuardError) -> [UInt8]? {
        let normalized = try rules(relativePath)
        let components = normalized.split(separator: "/").map(String.init)
        guard let directory = try openDirectory(components.dropLast(), creating: false, path: normalized)
        else {
            return nil
        }
        defer { close(directory) }
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
        let fd = openat(directory, components.last!, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP { throw .symlink(path: normalized, component: normalized) }
            throw .system(path: normalized, operation: "open", code: code)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .system(path: normalized, operation: "fstat", code: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notRegularFile(path: normalized) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let wanted = limit.map { $0 + 1 } ?? Int.max
        while result.count < wanted {
            let count = buffer.withUnsafeMutableBytes {
                posixRead(fd, $0.baseAddress, min($0.count, wanted - result.count))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(path: normalized, operation: "read", code: errno)
            }
            if count == 0 { break }
            result += buffer[0..<count]
        }
        return result
    }

    /// Replaces (or creates) the file with `bytes`, creating missing directories.
    ///
    /// The new content goes to a temporary file in the same directory, then `renameat` swaps it
    /// in: readers never see half a file, and a symlink raced into the final name is replaced,
    /// not followed. An existing file keeps its permission bits.
    public func write(_ relativePath: String, _ bytes: [UInt8], mode defaultMode: mode_t = 0o644)
        throws(PathGuardError)
    {
        let normalized = try rules(relativePath)
        let components = normalized.split(separator: "/").map(String.init)
        guard let directory = try openDirectory(components.dropLast(), creating: true, path: normalized)
        else {
            throw .system(path: normalized, operation: "mkdir", code: ENOENT)
        }
        defer { close(directory) }
        let name = components.last!
        var mode = defaultMode
        var existing = stat()
        if fstatat(directory, name, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
            switch existing.st_mode & S_IFMT {
            case S_IFLNK: throw .symlink(path: normalized, component: normalized)
            case S_IFREG: mode = existing.st_mode & 0o7777
            default: throw .notRegularFile(path: normalized)
            }
        }
        let temporary = ".pilothouse-write-\(UUID().uuidString)"
        let fd = openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .system(path: normalized, operation: "create", code: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                posixWrite(fd, raw.baseAddress! + written, raw.count - written)
            }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                close(fd)
                unlinkat(directory, temporary, 0)
                throw .system(path: normalized, operation: "write", code: code)
            }
            written += count
        }
        fchmod(fd, mode)
        guard close(fd) == 0 else {
            unlinkat(directory, temporary, 0)
            throw .system(path: normalized, operation: "close", code: errno)
        }
        guard renameat(directory, temporary, directory, name) == 0 else {
            let code = errno
            unlinkat(directory, temporary, 0)
            throw .system(path: normalized, operation: "rename", code: code)
        }
    }

    /// Deletes the file (never a directory, never through a symlinked ancestor).
    public func remove(_ relativePath: String) throws(PathGuardError) {
        let normalized = try rules(relativePath)
        let components = normalized.split(separator: "/").map(String.init)
        guard let directory = try openDirectory(components.dropLast(), creating: false, path: normalized)
        else {
            return
        }
        defer { close(directory) }
        if unlinkat(directory, components.last!, 0) != 0, errno != ENOENT {
            throw .system(path: normalized, operation: "unlink", code: errno)
        }
    }

    /// The link-free path that `relativePath` names, following symbolic links whose target
    /// stays inside the root (repositories commit such links, `docs/README.md -> ../README.md`);
    /// a link that leads out, by an absolute target or by `..` above the root, is refused.
    ///
    /// Each link is read (relative to the directory holding it) without opening anything
    /// through it, and every step reopens the real directories from the root with `O_NOFOLLOW`;
    /// a link swapped in after this returns makes the following `read` refuse, not escape.
    public func resolve(_ relativePath: String) throws(PathGuardError) -> String {
        let normalized = try rules(relativePath)
        var pending = ArraySlice(normalized.split(separator: "/").map(String.init))
        var resolved: [String] = []
        var hops = 0
        var lastLink = ""
        while let name = pending.first {
            pending = pending.dropFirst()
            if name == "." || name.isEmpty { continue }
            if name == ".." {
                guard !resolved.isEmpty else {
                    throw .linkLeavesWorktree(path: normalized, component: lastLink)
                }
                resolved.removeLast()
                continue
            }
            guard let directory = try openDirectory(resolved[...], creating: false, path: normalized) else {
                return (resolved + [name] + pending).joined(separator: "/")
            }
            defer { close(directory) }
            guard try entryIsSymlink(name, in: directory, path: normalized) else {
                resolved.append(name)
                continue
            }
            let link = (resolved + [name]).joined(separator: "/")
            lastLink = link
            hops += 1
            guard hops <= 40 else { throw .symlink(path: normalized, component: link) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlinkat(directory, name, &buffer, buffer.count - 1)
            guard count >= 0 else { throw .system(path: normalized, operation: "readlink", code: errno) }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard !target.hasPrefix("/"), !target.isEmpty else {
                throw .linkLeavesWorktree(path: normalized, component: link)
            }
            pending = ArraySlice(target.split(separator: "/").map(String.init)) + pending
        }
        guard !resolved.isEmpty else { throw .rule(.empty(path: normalized)) }
        return try rules(resolved.joined(separator: "/"))
    }

    private func rules(_ relativePath: String) throws(PathGuardError) -> String {
        do {
            return try PathRules.validate(relativePath: relativePath)
        } catch {
            throw .rule(error)
        }
    }

    /// A descriptor for the directory `components` below the root, walked without following
    /// links; nil when a component does not exist and `creating` is off.
    private func openDirectory(_ components: ArraySlice<String>, creating: Bool, path: String)
        throws(PathGuardError) -> Int32?
    {
        var current = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard current >= 0 else { throw .system(path: root, operation: "open worktree", code: errno) }
        var walked: [String] = []
        for component in components {
            walked.append(component)
            var next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0, errno == ENOENT, creating {
                if mkdirat(current, component, 0o755) != 0, errno != EEXIST {
                    let code = errno
                    close(current)
                    throw .system(path: path, operation: "mkdir", code: code)
                }
                next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            if next < 0 {
                let code = errno
                let symlink = (try? entryIsSymlink(component, in: current, path: path)) ?? false
                close(current)
                if code == ELOOP || symlink {
                    throw .symlink(path: path, component: walked.joined(separator: "/"))
                }
                if code == ENOENT { return nil }
                if code == ENOTDIR {
                    throw .notDirectory(path: path, component: walked.joined(separator: "/"))
                }
                throw .system(path: path, operation: "open", code: code)
            }
            close(current)
            current = next
        }
        return current
    }

    private func entryIsSymlink(_ name: String, in directory: Int32, path: String) throws(PathGuardError)
        -> Bool
    {
        var info = stat()
        if fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) != 0 {
            if errno == ENOENT { return false }
            throw .system(path: path, operation: "stat", code: errno)
        }
        return (info.st_mode & S_IFMT) == S_IFLNK
    }
}

/// Why the path guard refused a path; every case names it so a quarantine record can show it.
public enum PathGuardError: Error, Equatable, Sendable, CustomStringConvertible {
    case rule(PathViolation)
    /// `component` (a prefix of `path`) is a symbolic link, which could lead out of the worktree.
    case symlink(path: String, component: String)
    /// `component` is a symbolic link whose target lies outside the worktree.
    case linkLeavesWorktree(path: String, component: String)
    /// Inside `.pilothouse/`, Pilothouse's own state (store, transcripts), never shown to a model.
    case privateState(path: String)
    case notDirectory(path: String, component: String)
    case notRegularFile(path: String)
    case system(path: String, operation: String, code: Int32)

    public var path: String {
        switch self {
        case .rule(let violation): violation.path
        case .symlink(let path, _), .linkLeavesWorktree(let path, _), .privateState(let path),
            .notDirectory(let path, _), .notRegularFile(let path), .system(let path, _, _):
            path
        }
    }

    /// Whether the path tried to leave the worktree (as opposed to an ordinary I/O failure).
    public var isEscape: Bool {
        switch self {
        case .rule, .symlink, .linkLeavesWorktree, .privateState: true
        case .notDirectory, .notRegularFile, .system: false
        }
    }

    public var description: String {
        switch self {
        case .rule(let violation): violation.description
        case .symlink(let path, let component):
            component == path
                ? "path \(path.debugDescription) is a symbolic link; edits never follow links"
                : "path \(path.debugDescription) goes through the symbolic link \(component.debugDescription), which could lead outside the worktree"
        case .linkLeavesWorktree(let path, let component):
            "path \(path.debugDescription) goes through the symbolic link \(component.debugDescription), which points outside the worktree; Pilothouse never reads outside it"
        case .privateState(let path):
            "path \(path.debugDescription) is inside .pilothouse/, Pilothouse's own state, which is never shown to a model"
        case .notDirectory(let path, let component):
            "path \(path.debugDescription): \(component.debugDescription) is a file, not a directory"
        case .notRegularFile(let path): "path \(path.debugDescription) is not a regular file"
        case .system(let path, let operation, let code):
            "\(operation) \(path.debugDescription) failed: \(String(cString: strerror(code)))"
        }
    }
}
