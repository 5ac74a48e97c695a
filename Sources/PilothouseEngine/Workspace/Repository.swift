import Foundation

/// The operator's git repository and where Pilothouse keeps its files inside it.
public struct Repository: Sendable, Equatable {
    /// The repository's top level (`git rev-parse --show-toplevel`).
    public var root: String

    public init(root: String) { self.root = root }

    /// Finds the repository containing `path`; refuses plainly outside one.
    public static func locate(from path: String, git: GitRunner = GitRunner()) throws(GitError) -> Repository
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw .notARepository(path)
        }
        let result = try git.run(["rev-parse", "--show-toplevel"], in: path)
        guard result.status == 0, !result.text.isEmpty else { throw .notARepository(path) }
        return Repository(root: result.text)
    }

    public var homeDirectory: String { root + "/.pilothouse" }
    public var configPath: String { homeDirectory + "/pilothouse.toml" }
    public var databasePath: String { homeDirectory + "/pilothouse.db" }
    public var worktreesDirectory: String { homeDirectory + "/worktrees" }

    /// The directory git keeps objects, refs and worktree registrations in: `<root>/.git`, or
    /// where a `.git` file (a linked worktree, `--separate-git-dir`) and its `commondir` lead.
    /// Found by reading those files, so knowing it costs no git process.
    public var commonGitDirectory: String {
        var gitDirectory = root + "/.git"
        if let line = WorktreeRegistration.readLine(gitDirectory), line.hasPrefix("gitdir: ") {
            let target = String(line.dropFirst("gitdir: ".count))
            gitDirectory = target.hasPrefix("/") ? target : root + "/" + target
        }
        if let common = WorktreeRegistration.readLine(gitDirectory + "/commondir"), !common.isEmpty {
            gitDirectory = common.hasPrefix("/") ? common : gitDirectory + "/" + common
        }
        return WorktreeRegistration.realPath(gitDirectory)
    }

    /// The commit HEAD points at, or "unborn" in a repository without commits.
    public func head(git: GitRunner = GitRunner()) -> String {
        (try? git.output(["rev-parse", "--verify", "-q", "HEAD"], in: root)) ?? "unborn"
    }
}
