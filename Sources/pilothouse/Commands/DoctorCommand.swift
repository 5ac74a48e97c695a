import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothousePostgresStore
import PilothouseSQLiteStore

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract:
            "Check git, the configuration, CLI agents, the terminal and the store; exit 1 if something is broken.",
        discussion: """
            The store is the repository's SQLite file, or the PostgreSQL store of --store,
            PILOTHOUSE_STORE_URL or [store] url. For PostgreSQL, doctor says whether the server is
            reachable and the login and database are right (never showing the password), and whether
            the database holds this version's schema (empty, another application's tables, or a newer
            Pilothouse's are named) before it opens it: doctor never creates or migrates a schema.
            For both: the store's integrity, the bead chain, engines that stopped beating and jobs
            held under expired leases.
            """
    )

    @OptionGroup var options: RepositoryOptions

    typealias Check = DoctorFinding

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
            checks += storeChecks(repository, config: config)
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
        } else if let text = options.storeURL(PilothouseConfig()) {
            // A PostgreSQL store needs no repository to be checked.
            checks += postgresChecks(text, redactor: .standard)
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

    /// The store in force, checked as far as it can be without changing it.
    private func storeChecks(_ repository: Repository, config: PilothouseConfig?) -> [Check] {
        // A configuration that did not load is reported above; --store and the environment still count.
        if let text = options.storeURL(config ?? PilothouseConfig()) {
            return postgresChecks(text, redactor: config?.redactor ?? .standard)
        }
        guard FileManager.default.fileExists(atPath: repository.databasePath) else {
            return [
                Check(
                    level: .warn, subject: "database",
                    detail: "not created yet; `pilothouse init` or `pilothouse` creates it")
            ]
        }
        do {
            return StoreCheckup.findings(try SQLiteStore.open(path: repository.databasePath))
        } catch {
            return [Check(level: .fail, subject: "database", detail: "\(error)")]
        }
    }

    /// A PostgreSQL store: the server, the login and the schema first (read without writing),
    /// then the checks every store gets, only when its schema is this version's.
    private func postgresChecks(_ text: String, redactor: Redactor) -> [Check] {
        let url: PostgresStoreURL
        let inspection: PostgresStoreInspection
        do {
            url = try RepositoryOptions.withPassword(text)
            inspection = try PostgresStoreInspection.inspect(url)
        } catch {
            return [Check(level: .fail, subject: "database", detail: "\(error)")]
        }
        let location = url.location
        let (level, detail): (Check.Level, String)
        switch inspection {
        case .empty:
            (level, detail) = (
                .warn,
                "\(location) is reachable and empty: no store yet; the first engine or command on it (`pilothouse run`, `enqueue`) creates it"
            )
        case .foreign(let tables):
            (level, detail) = (
                .fail,
                "\(location) holds tables of something else (\(tables.joined(separator: ", "))) and no Pilothouse store; give Pilothouse a database of its own (createdb)"
            )
        case .newer(let unknown):
            (level, detail) = (.fail, StoreError.newerSchema(path: location, unknown: unknown).description)
        case .older(let missing):
            (level, detail) = (
                .warn,
                "\(location) lacks this version's migrations (\(missing.joined(separator: ", "))); the next engine or command on it applies them, then run doctor again"
            )
        case .current:
            do {
                let store = try PostgresStore.open(url, redactor: redactor)
                return [Check(level: .ok, subject: "store", detail: "\(location) reachable, schema current")]
                    + StoreCheckup.findings(store)
            } catch {
                (level, detail) = (.fail, "\(error)")
            }
        }
        return [Check(level: level, subject: "database", detail: detail)]
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
