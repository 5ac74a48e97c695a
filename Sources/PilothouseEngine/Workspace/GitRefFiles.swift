import Foundation

/// A ref's value read from git's own files (gitrepository-layout(5)): the loose ref
/// `<common git dir>/<ref>`, else its line in `packed-refs`, the order git itself reads them.
///
/// The merge path asks "is there a merge ref for this job?", "where is the integration
/// branch?" and "does the job branch exist?" for every job; each answer used to cost a
/// `git rev-parse`. Git writes a loose ref by renaming a lock file over it, so a read sees the
/// old or the new value, never half of one. Whatever this reader does not understand (a
/// reftable repository, a symbolic ref, a malformed file, an unsafe ref name) is `.unknown`,
/// and the caller asks git.
struct GitRefFiles: Sendable {
    /// The repository's common git directory (where shared refs live).
    let commonDirectory: String

    enum Lookup: Sendable, Equatable {
        case found(String)
        case absent
        /// The files do not answer with certainty: ask git.
        case unknown
    }

    /// The object name `ref` (a full name, `refs/...`) points at.
    func lookup(_ ref: String) -> Lookup {
        guard Self.isPlainRefName(ref) else { return .unknown }
        // A reftable repository keeps no loose or packed refs at all.
        if FileManager.default.fileExists(atPath: commonDirectory + "/reftable") { return .unknown }
        switch Self.read(commonDirectory + "/" + ref, limit: 4096) {
        case .text(let text):
            let value = text.trimmingCharacters(in: .newlines)
            return WorktreeRegistration.isObjectName(value) ? .found(value) : .unknown
        case .missing:
            break
        case .unreadable:
            return .unknown
        }
        // Past a few MiB (a repository with very many refs) one git process is cheaper.
        switch Self.read(commonDirectory + "/packed-refs", limit: 4 * 1024 * 1024) {
        case .text(let text):
            let suffix = " " + ref
            for line in text.split(separator: "\n") where line.hasSuffix(suffix) {
                let value = String(line.dropLast(suffix.count))
                return WorktreeRegistration.isObjectName(value) ? .found(value) : .unknown
            }
            return .absent
        case .missing:
            return .absent
        case .unreadable:
            return .unknown
        }
    }

    /// `refs/...` made of ordinary components only: no `..`, no empty or dot-led component, no
    /// control bytes, nothing git would refuse or a path could escape with.
    static func isPlainRefName(_ ref: String) -> Bool {
        guard ref.hasPrefix("refs/"), !ref.hasSuffix(".lock") else { return false }
        let components = ref.split(separator: "/", omittingEmptySubsequences: false)
        return components.allSatisfy { component in
            !component.isEmpty && !component.hasPrefix(".") && !component.hasSuffix(".lock")
                && component.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F }
                && !component.contains(where: { "~^:?*[\\".contains($0) })
        }
    }

    private enum FileRead {
        case text(String)
        case missing
        /// Not a regular file, too large, or unreadable.
        case unreadable
    }

    /// A regular file's text, up to `limit` bytes; a symbolic link is `.unreadable` (git never
    /// makes one in place of a ref, and one planted is not followed).
    private static func read(_ path: String, limit: Int) -> FileRead {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable
        }
        // A directory there (`refs/heads/a` when `a/b` exists) is no loose ref, as for git.
        if info.st_mode & S_IFMT == S_IFDIR { return .missing }
        guard info.st_mode & S_IFMT == S_IFREG, info.st_size <= limit,
            let data = FileManager.default.contents(atPath: path)
        else { return .unreadable }
        return .text(String(decoding: data, as: UTF8.self))
    }
}
