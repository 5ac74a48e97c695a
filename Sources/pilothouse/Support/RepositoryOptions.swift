import ArgumentParser
import Foundation
import PilothouseEngine
import PilothousePostgresStore
import PilothouseSQLiteStore

/// `--repo PATH`, accepted by every command that works on a repository.
struct RepositoryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The target git repository (default: the current directory).", valueName: "path"))
    var repo: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A PostgreSQL store shared by a fleet of engines, instead of the repository's SQLite file (default: [store] url of the configuration).",
            valueName: "postgres://user@host:port/database"))
    var store: String?

    func repository() throws -> Repository {
        let start =
            repo.map { ($0 as NSString).expandingTildeInPath } ?? FileManager.default.currentDirectoryPath
        return try Repository.locate(from: start)
    }

    /// The repository's store; a clear refusal when `init` has not been run. The store
    /// redacts with the configuration's patterns, so the configuration must load.
    func openStore() throws -> (Repository, any PilothouseStore) {
        let repository = try self.repository()
        let config = try config(for: repository)
        if let url = storeURL(config) {
            return (
                repository,
                try PostgresStore.open(
                    try Self.withPassword(url), redactor: config.redactor, listen: config.store.listen)
            )
        }
        try requireDatabase(of: repository)
        return (repository, try SQLiteStore.open(path: repository.databasePath, redactor: config.redactor))
    }

    /// The store for a command that only reads: a read-only database is read, not refused.
    func openStoreForReading() throws -> (Repository, any PilothouseStore) {
        let repository = try self.repository()
        let config = try config(for: repository)
        if let url = storeURL(config) {
            return (
                repository, try PostgresStore.open(try Self.withPassword(url), listen: config.store.listen)
            )
        }
        try requireDatabase(of: repository)
        return (repository, try SQLiteStore.openForReading(path: repository.databasePath))
    }

    /// The PostgreSQL store to use, if any: `--store`, then `PILOTHOUSE_STORE_URL`, then
    /// `[store] url`; none means the repository's SQLite file.
    func storeURL(_ config: PilothouseConfig) -> String? {
        store ?? ProcessInfo.processInfo.environment["PILOTHOUSE_STORE_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? config.store.url
    }

    /// The URL with its password from `PGPASSWORD` or `~/.pgpass` when it carries none.
    static func withPassword(_ text: String) throws -> PostgresStoreURL {
        var url = try PostgresStoreURL(parsing: text)
        if url.password == nil {
            url.password = PostgresPassword.lookup(for: url, environment: ProcessInfo.processInfo.environment)
        }
        return url
    }

    /// A clear refusal when `init` has not made the repository's SQLite store.
    private func requireDatabase(of repository: Repository) throws {
        guard FileManager.default.fileExists(atPath: repository.databasePath) else {
            throw CommandFailure(
                "no Pilothouse store in \(repository.root); run `pilothouse init` there first")
        }
    }

    func config(for repository: Repository) throws -> PilothouseConfig {
        try PilothouseConfig.load(path: repository.configPath)
    }
}
