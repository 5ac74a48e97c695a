import Foundation
import PilothouseEngine
import PilothouseSQLiteStore

/// Creates `.pilothouse/` (commented configuration, database, .gitignore) where missing.
/// `init` calls it explicitly; the console calls it so that `pilothouse` in any repository
/// just starts, on the embedded defaults.
enum RepositorySetup {
    /// Returns the names of the files it created (empty when everything was there).
    @discardableResult
    static func ensure(_ repository: Repository, options: RepositoryOptions) throws -> [String] {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: repository.homeDirectory, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create \(repository.homeDirectory): \(error.localizedDescription)")
        }
        var created: [String] = []
        if !manager.fileExists(atPath: repository.configPath) {
            guard manager.createFile(atPath: repository.configPath, contents: Data(ConfigTemplate.text.utf8))
            else {
                throw CommandFailure("cannot write \(repository.configPath); check the folder's permissions")
            }
            created.append("pilothouse.toml")
        }
        // Validate whatever configuration is there, ours or the operator's.
        _ = try options.config(for: repository)
        if !manager.fileExists(atPath: repository.databasePath) { created.append("pilothouse.db") }
        _ = try SQLiteStore.openOrCreate(path: repository.databasePath)
        ignoreStateInGit(repository)
        return created
    }

    /// Keeps the database, worktrees and transcripts out of the operator's commits.
    private static func ignoreStateInGit(_ repository: Repository) {
        let path = repository.homeDirectory + "/.gitignore"
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let text =
            "# Pilothouse state: keep the configuration, ignore the rest.\n*\n!.gitignore\n!pilothouse.toml\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }
}
