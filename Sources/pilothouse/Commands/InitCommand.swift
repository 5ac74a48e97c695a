import ArgumentParser
import Foundation
import PilothouseEngine
import PilothouseSQLiteStore

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
        let created = try RepositorySetup.ensure(repository, options: options)
        if created.isEmpty {
            print("Pilothouse already set up in \(repository.root) (.pilothouse/ kept as it was)")
        } else {
            print(
                "Initialized Pilothouse in \(repository.homeDirectory) (\(created.joined(separator: ", ")))")
            print("Next: pilothouse import PLAN.md, or pilothouse enqueue \"goal\"")
        }
    }
}
