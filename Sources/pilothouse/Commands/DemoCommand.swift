import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try Pilothouse on a sample repository with known defects (offline, no keys).",
        discussion: """
            Creates DIR (or reuses it when it is a demo repository made earlier): a small Python library with
            four real defects, a test suite where each defect has a failing test, and PLAN.md describing them.
            Imports the plan and opens the console on the simulated provider: watch the stages move, press 5
            for the patches waiting for approval, a to approve (the fix is merged into pilothouse/integration,
            never into your checkout), 4 for the quarantine, q to quit. One plan item touches a CI workflow,
            which the default policy forbids, so it is quarantined on purpose.

            With --headless the demo runs without the console (as `pilothouse run`), with the same exit codes:
            1 means some job was quarantined or failed, which the demo does on purpose.
            """)

    @Argument(help: "Where the sample repository goes.")
    var directory = "pilothouse-demo"

    @Flag(help: "Run without the console and print progress (as `pilothouse run`).")
    var headless = false

    @Flag(
        help: ArgumentHelp(
            "A larger sample: \(DemoSwarm.defaultCount) more small defects, 24 agents, one rate-limited model.",
            discussion: "Only when DIR is created; a demo repository made earlier keeps its size."))
    var swarm = false

    @Flag(help: "With --headless: stop when nothing is queued or running.")
    var untilIdle = false

    @Flag(help: "Approve patches whose review and tests pass without asking.")
    var autoApprove = false

    @Option(help: "Seed of the simulated provider (written to a new demo's configuration; default 4).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Serve Prometheus metrics, as `run --metrics`.", valueName: "address"))
    var metrics: String?

    @Option(
        help: ArgumentHelp(
            "dark, light, high-contrast, monochrome, or a theme file (.toml).", valueName: "name|path"))
    var theme: String?

    func validate() throws {
        if untilIdle && !headless {
            throw ValidationError("--until-idle needs --headless (the console runs until you quit it)")
        }
        if headless && theme != nil { throw ValidationError("--theme is for the console, not --headless") }
    }

    func run() async throws {
        let root = Self.absolute(directory)
        // In headless mode stdout may carry JSON lines; the demo's own words go to stderr then.
        let say: (String) -> Void =
            headless && isatty(STDOUT_FILENO) == 0
            ? { printError($0) } : { print($0) }
        let created = try DemoSetup.prepare(
            at: root, seed: seed ?? DemoSetup.defaultSeed, swarm: swarm ? DemoSwarm.defaultCount : 0)
        say(
            created
                ? "created the demo repository \(root)"
                : "reusing the demo repository \(root) (delete it to start over)")
        let repoArguments = ["--repo", root]
        let imported = try DemoSetup.importPlan(root: root, options: RepositoryOptions.parse(repoArguments))
        say(imported)

        if headless {
            var arguments = repoArguments
            if untilIdle { arguments.append("--until-idle") }
            if autoApprove { arguments.append("--auto-approve") }
            if let seed { arguments += ["--seed", String(seed)] }
            if let metrics { arguments += ["--metrics", metrics] }
            let command = try RunCommand.parse(arguments)
            do {
                try await command.run()
            } catch {
                say(DemoSetup.afterword(root: root))
                throw error
            }
            say(DemoSetup.afterword(root: root))
        } else {
            var arguments = repoArguments
            if autoApprove { arguments.append("--auto-approve") }
            if let seed { arguments += ["--seed", String(seed)] }
            if let theme { arguments += ["--theme", theme] }
            if let metrics { arguments += ["--metrics", metrics] }
            let command = try ConsoleCommand.parse(arguments)
            try await command.run()
            say(DemoSetup.afterword(root: root))
        }
    }

    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let joined =
            expanded.hasPrefix("/")
            ? expanded
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
        return (joined as NSString).standardizingPath
    }
}

/// Creating, recognising and importing the demo repository.
enum DemoSetup {
    static let defaultSeed: UInt64 = 4

    /// Creates the sample repository at `root` unless it is already one; `true` when created.
    static func prepare(at root: String, seed: UInt64, swarm: Int = 0) throws -> Bool {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: root, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw CommandFailure("\(root) is a file; give a directory for the demo repository")
        }
        let entries = exists ? ((try? manager.contentsOfDirectory(atPath: root)) ?? []) : []
        let created: Bool
        if entries.isEmpty {
            try write(root: root, swarm: swarm)
            created = true
        } else if isDemo(root) {
            created = false
        } else {
            throw CommandFailure(
                "\(root) exists and is not a Pilothouse demo repository; give a new or empty directory")
        }
        let configPath = root + "/.pilothouse/pilothouse.toml"
        if !manager.fileExists(atPath: configPath) {
            do {
                try manager.createDirectory(atPath: root + "/.pilothouse", withIntermediateDirectories: true)
                let text =
                    DemoRepository.configuration(seed: seed) + (swarm > 0 ? DemoSwarm.configuration : "")
                try Data(text.utf8).write(
                    to: URL(fileURLWithPath: configPath))
            } catch {
                throw CommandFailure("cannot write \(configPath): \(error.localizedDescription)")
            }
        }
        try RepositorySetup.ensure(
            try Repository.locate(from: root), options: RepositoryOptions.parse(["--repo", root]))
        return created
    }

    static func isDemo(_ root: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: root + "/" + DemoRepository.planPath) else {
            return false
        }
        return String(decoding: data, as: UTF8.self).contains(DemoRepository.markerLine)
            && FileManager.default.fileExists(atPath: root + "/.git")
    }

    /// Writes the files and makes the first commit on `main`.
    private static func write(root: String, swarm: Int) throws {
        let manager = FileManager.default
        var files = DemoRepository.files
        if swarm > 0 {
            files =
                files.map { file in
                    var file = file
                    if file.path == DemoRepository.planPath { file.text += DemoSwarm.plan(count: swarm) }
                    return file
                } + DemoSwarm.files(count: swarm)
        }
        do {
            for file in files {
                let path = root + "/" + file.path
                try manager.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: path))
            }
        } catch {
            throw CommandFailure(
                "cannot create the demo repository in \(root): \(error.localizedDescription)")
        }
        let git = GitRunner()
        let identity = [
            "GIT_AUTHOR_NAME": "Pilothouse demo", "GIT_AUTHOR_EMAIL": "demo@pilothouse.invalid",
            "GIT_COMMITTER_NAME": "Pilothouse demo", "GIT_COMMITTER_EMAIL": "demo@pilothouse.invalid",
        ]
        do {
            _ = try git.output(["init", "-q", "-b", "main"], in: root)
            _ = try git.output(["add", "-A"], in: root)
            _ = try git.output(
                ["commit", "-q", "--no-gpg-sign", "-m", "shop: sample code with four known defects"],
                in: root,
                environment: identity)
        } catch {
            throw CommandFailure("git could not set up the demo repository in \(root): \(error)")
        }
    }

    /// Imports PLAN.md as `pilothouse import PLAN.md` would; returns a one-line summary.
    static func importPlan(root: String, options: RepositoryOptions) throws -> String {
        let (repository, store) = try options.openStore()
        let config = try options.config(for: repository)
        guard let data = FileManager.default.contents(atPath: root + "/" + DemoRepository.planPath) else {
            throw CommandFailure(
                "\(root)/\(DemoRepository.planPath) is missing; delete \(root) to start over")
        }
        let operations = JobOperations(store: store, config: config)
        let items = try operations.planItems(
            String(decoding: data, as: UTF8.self), subject: DemoRepository.planPath,
            limit: config.limits.planItems)
        let summary = try operations.importPlan(
            items, plan: DemoRepository.planPath, maxAttempts: config.jobs.maxAttempts)
        if summary.added.isEmpty {
            return "\(DemoRepository.planPath): all \(items.count) items were imported before"
        }
        return "\(DemoRepository.planPath): \(summary.added.count) jobs added"
    }

    static func afterword(root: String) -> String {
        """
        Approved fixes are merged into pilothouse/integration (your checkout is untouched):
          git -C \(root) log --oneline pilothouse/integration
          pilothouse jobs ls --repo \(root)
          pilothouse quarantine ls --repo \(root)
        """
    }
}
