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

    /// The commit HEAD points at, or "unborn" in a repository without commits.
    public func head(git: GitRunner = GitRunner()) -> String {
        (try? git.output(["rev-parse", "--verify", "-q", "HEAD"], in: root)) ?? "unborn"
    }
}
