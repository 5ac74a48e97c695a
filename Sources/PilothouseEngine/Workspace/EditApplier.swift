import Foundation
import PilothouseCore

/// Applies a model's edits to a worktree, only ever through the path guard.
public struct EditApplier: Sendable {
    public let git: GitRunner

    public init(git: GitRunner = GitRunner()) { self.git = git }

    /// Applies `edits` in `worktree` and returns the paths touched.
    ///
    /// Search/replace blocks are applied in memory and written with `PathGuard`. A unified diff
    /// is parsed first and every path it names is checked by the guard (and symlink modes are
    /// refused) before `git apply` runs; git applies it relative to the worktree and itself
    /// refuses paths beyond a symlink, so a diff cannot reach outside even though git writes the
    /// files. All blocks are checked before any file changes, so a failing block leaves the
    /// worktree as it was.
    @discardableResult
    public func apply(_ edits: ModelEdits, in worktree: Worktree) throws(EditApplierError) -> [String] {
        let guardian = PathGuard(root: worktree.path)
        switch edits {
        case .blocks(let blocks):
            var pending: [String: [UInt8]] = [:]
            var order: [String] = []
            for block in blocks {
                let path: String
                do {
                    path = try guardian.validate(block.path)
                } catch {
                    throw .path(error)
                }
                let current: [UInt8]?
                if let staged = pending[path] {
                    current = staged
                } else {
                    do {
                        current = try guardian.read(path)
                    } catch {
                        throw .path(error)
                    }
                }
                do {
                    pending[path] = try block.apply(to: current)
                } catch {
                    throw .edit(error)
                }
                if !order.contains(path) { order.append(path) }
            }
            for path in order {
                do {
                    try guardian.write(path, pending[path] ?? [])
                } catch {
                    throw .path(error)
                }
            }
            return order
        case .unifiedDiff(let bytes):
            return try applyDiff(bytes, in: worktree, guardian: guardian)
        }
    }

    private func applyDiff(_ bytes: [UInt8], in worktree: Worktree, guardian: PathGuard)
        throws(EditApplierError) -> [String]
    {
        let diff: UnifiedDiff
        do {
            diff = try UnifiedDiff(parsing: bytes)
        } catch {
            throw .malformedDiff(error)
        }
        guard !diff.files.isEmpty else {
            throw .malformedDiff(DiffParseError(line: 1, message: "the diff changes no file"))
        }
        var touched: [String] = []
        var prefixed = false
        for file in diff.files {
            if file.isSymlink { throw .symlinkInDiff(path: file.path) }
            for path in [file.oldPath, file.newPath].compactMap({ $0 }) {
                do {
                    touched.append(try guardian.validate(path))
                } catch {
                    throw .path(error)
                }
            }
            let header = String(decoding: file.rawHeader, as: UTF8.self)
            if header.contains("\n+++ b/") || header.hasPrefix("diff --git a/") || header.contains("--- a/") {
                prefixed = true
            }
        }
        let patchFile = NSTemporaryDirectory() + "pilothouse-edit-\(UUID().uuidString).diff"
        guard FileManager.default.createFile(atPath: patchFile, contents: Data(bytes)) else {
            throw .diffDoesNotApply("could not write a temporary file for the patch")
        }
        defer { try? FileManager.default.removeItem(atPath: patchFile) }
        let arguments = ["apply", "--binary", "--whitespace=nowarn", prefixed ? "-p1" : "-p0", patchFile]
        let result: GitRunner.Output
        do {
            result = try git.run(arguments, in: worktree.path)
        } catch {
            throw .git(error)
        }
        guard result.status == 0 else { throw .diffDoesNotApply(result.errorText) }
        return Array(Set(touched)).sorted()
    }
}

/// Why a model's edits did not reach the worktree.
public enum EditApplierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path would leave the worktree (or is otherwise refused by the guard).
    case path(PathGuardError)
    case edit(EditApplyError)
    case malformedDiff(DiffParseError)
    /// A diff that creates or changes a symlink: policy never lets a model place one.
    case symlinkInDiff(path: String)
    case diffDoesNotApply(String)
    case git(GitError)

    public var description: String {
        switch self {
        case .path(let error): error.description
        case .edit(let error): error.description
        case .malformedDiff(let error): "the diff is malformed: \(error)"
        case .symlinkInDiff(let path):
            "the diff makes \(path.debugDescription) a symbolic link, which is not allowed"
        case .diffDoesNotApply(let message): "the diff does not apply to the worktree: \(message)"
        case .git(let error): error.description
        }
    }
}
