import ArgumentParser
import Foundation
import PilothouseEngine
import PilothouseSQLiteStore

/// `--repo PATH`, accepted by every command that works on a repository.
struct RepositoryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The target git repository (default: the current directory).", valueName: "path"))
    var repo: String?

    func repository() throws -> Repository {
        let start =
            repo.map { ($0 as NSString).expandingTildeInPath } ?? FileManager.default.currentDirectoryPath
        return try Repository.locate(from: start)
    }

    /// The repository's store; a clear refusal when `init` has not been run. The store
    /// redacts with the configuration's patterns, so the configuration must load.
    func openStore() throws -> (Repository, any PilothouseStore) {
        let repository = try initializedRepository()
        let redactor = try config(for: repository).redactor
        return (repository, try SQLiteStore.open(path: repository.databasePath, redactor: redactor))
    }

    /// The store for a command that only reads: a read-only database is read, not refused.
    func openStoreForReading() throws -> (Repository, any PilothouseStore) {
        let repository = try initializedRepository()
        return (repository, try SQLiteStore.openForReading(path: repository.databasePath))
    }

    private func initializedRepository() throws -> Repository {
        let repository = try repository()
        guard FileManager.default.fileExists(atPath: repository.databasePath) else {
            throw CommandFailure(
                "no Pilothouse store in \(repository.root); run `pilothouse init` there first")
        }
        return repository
    }

    func config(for repository: Repository) throws -> PilothouseConfig {
        try PilothouseConfig.load(path: repository.configPath)
    }
}
