import ArgumentParser
import Foundation
import PilothouseEngine

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create .pilothouse/ (configuration and database) in a git repository.",
        discussion: "Safe to run again: an existing configuration and database are kept.")

    @Argument(
        help: ArgumentHelp(
            "The repository to set up (default: --repo or the current directory).", valueName: "path"))
    var path: String?

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        var options = options
        if let path { options.repo = path }
        let repository = try options.repository()
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
        _ = try Store.openOrCreate(path: repository.databasePath)
        try ignoreStateInGit(repository)
        if created.isEmpty {
            print("Pilothouse already set up in \(repository.root) (.pilothouse/ kept as it was)")
        } else {
            print(
                "Initialized Pilothouse in \(repository.homeDirectory) (\(created.joined(separator: ", ")))")
            print("Next: pilothouse import PLAN.md, or pilothouse enqueue \"goal\"")
        }
    }

    /// Keeps the database, worktrees and transcripts out of the operator's commits.
    private func ignoreStateInGit(_ repository: Repository) throws {
        let path = repository.homeDirectory + "/.gitignore"
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let text =
            "# Pilothouse state: keep the configuration, ignore the rest.\n*\n!.gitignore\n!pilothouse.toml\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }
}
