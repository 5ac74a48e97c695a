import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract:
            "Check git, the configuration, CLI agents, the terminal and the database; exit 1 if something is broken."
    )

    @OptionGroup var options: RepositoryOptions

    /// One finding: `ok`, `warn` (works, but worth a look) or `fail` (will not work).
    struct Check {
        enum Level: String { case ok, warn, fail }
        var level: Level
        var subject: String
        var detail: String
    }

    func run() async throws {
        var checks: [Check] = []
        let git = GitRunner(timeout: .seconds(10))
        if let version = try? git.output(["--version"], in: "/") {
            checks.append(Check(level: .ok, subject: "git", detail: version))
        } else {
            checks.append(
                Check(level: .fail, subject: "git", detail: "not found; install git and put it on PATH"))
        }

        var repository: Repository?
        do {
            repository = try options.repository()
            checks.append(Check(level: .ok, subject: "repository", detail: repository!.root))
        } catch {
            checks.append(Check(level: .fail, subject: "repository", detail: "\(error)"))
        }

        var config: PilothouseConfig?
        if let repository {
            do {
                config = try options.config(for: repository)
                let exists = FileManager.default.fileExists(atPath: repository.configPath)
                checks.append(
                    Check(
                        level: .ok, subject: "configuration",
                        detail: exists ? repository.configPath : "none (defaults)"))
            } catch {
                checks.append(Check(level: .fail, subject: "configuration", detail: "\(error)"))
            }
            checks.append(databaseCheck(repository))
            if let config {
                let branch = config.workspace.resolvedIntegrationBranch(in: repository)
                let head = repository.head(git: git)
                checks.append(
                    head == "unborn"
                        ? Check(
                            level: .fail, subject: "commits",
                            detail: "the repository has no commits; jobs need a base commit")
                        : Check(
                            level: .ok, subject: "integration branch",
                            detail: "\(branch) (created from HEAD when missing)"))
            }
        }

        if let config {
            if let hint = GatewayFactory.statusHint(config: config) {
                checks.append(Check(level: .warn, subject: "providers", detail: hint))
            } else {
                checks.append(
                    Check(
                        level: .ok, subject: "providers",
                        detail: config.gateway.providers.keys.sorted().joined(separator: ", ")))
            }
            let agents = CLIAgentRunner(agents: config.agents, network: config.policy.network)
            for name in config.agents.keys.sorted() {
                if let version = await agents.version(of: name) {
                    checks.append(Check(level: .ok, subject: "agent \(name)", detail: version))
                } else {
                    let command = config.agents[name]?.command.joined(separator: " ") ?? name
                    checks.append(
                        Check(
                            level: .fail, subject: "agent \(name)",
                            detail: "`\(command)` did not answer its version flag; is it installed?"))
                }
            }
        }
        checks.append(terminalCheck())

        for check in checks {
            print(
                "\(check.level.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0))  \(check.subject): \(check.detail)"
            )
        }
        if checks.contains(where: { $0.level == .fail }) { throw ExitCode(1) }
    }

    private func databaseCheck(_ repository: Repository) -> Check {
        guard FileManager.default.fileExists(atPath: repository.databasePath) else {
            return Check(
                level: .warn, subject: "database",
                detail: "not created yet; `pilothouse init` or `pilothouse` creates it")
        }
        do {
            let store = try SQLiteStore.open(path: repository.databasePath)
            let integrity = try store.integrityCheck()
            guard integrity == "ok" else {
                return Check(level: .fail, subject: "database", detail: "integrity check: \(integrity)")
            }
            switch try store.verifyBeads() {
            case .ok(let count):
                return Check(level: .ok, subject: "database", detail: "integrity ok, \(count) beads verified")
            case .broken(let problem):
                return Check(level: .fail, subject: "database", detail: "bead chain broken at \(problem)")
            }
        } catch {
            return Check(level: .fail, subject: "database", detail: "\(error)")
        }
    }

    private func terminalCheck() -> Check {
        let environment = ProcessInfo.processInfo.environment
        let term = environment["TERM"] ?? ""
        let locale = environment["LC_ALL"] ?? environment["LC_CTYPE"] ?? environment["LANG"] ?? ""
        var notes: [String] = ["TERM=\(term.isEmpty ? "(unset)" : term)"]
        if environment["NO_COLOR"] != nil { notes.append("NO_COLOR set (monochrome)") }
        if !locale.uppercased().contains("UTF-8") && !locale.uppercased().contains("UTF8") {
            notes.append("locale '\(locale)' is not UTF-8: wide characters and box lines may look wrong")
        }
        guard isatty(STDOUT_FILENO) == 1, !term.isEmpty, term != "dumb" else {
            return Check(
                level: .warn, subject: "terminal",
                detail:
                    "not an interactive terminal (\(notes.joined(separator: ", "))); the console needs one, `run` does not"
            )
        }
        return Check(
            level: notes.count > 1 ? .warn : .ok, subject: "terminal", detail: notes.joined(separator: ", "))
    }
}
