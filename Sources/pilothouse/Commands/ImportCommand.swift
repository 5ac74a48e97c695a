import ArgumentParser

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Turn an improvement plan (Markdown) into jobs.")

    @Argument(help: "The plan file.")
    var plan: String

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        throw CommandFailure("plan import is being wired up")
    }
}
