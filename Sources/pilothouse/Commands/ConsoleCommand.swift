import ArgumentParser
import Foundation
import PilothouseConsole
import PilothouseCore
import PilothouseEngine
import PilothouseMetrics
import PilothouseSQLiteStore

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the console with the engine running in this process (the default command).",
        discussion: """
            With --read-only the console attaches to a store another process is running and only watches:
            every key that would change something is disabled. Keys: press ? in the console, or see Docs/KEYS.md.
            """)

    @Flag(help: "Watch a store that another Pilothouse process runs; change nothing.")
    var readOnly = false

    @Option(
        help: ArgumentHelp(
            "dark, light, high-contrast, monochrome, or a theme file (.toml).", valueName: "name|path"))
    var theme: String?

    @Flag(help: "Approve patches that pass the auto-approve rule without asking.")
    var autoApprove = false

    @Option(help: "Seed of the simulated provider, for reproducible runs.")
    var seed: UInt64?

    @Option(
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://ADDRESS/metrics (e.g. 127.0.0.1:9464), as `run --metrics`.",
            valueName: "address"),
        transform: { try MetricsAddress(parsing: $0) })
    var metrics: MetricsAddress?

    @OptionGroup var options: RepositoryOptions

    func validate() throws {
        if readOnly && metrics != nil {
            throw ValidationError(
                "--metrics needs an engine and --read-only runs none; scrape an engine on this store instead")
        }
    }

    func run() async throws {
        // Before the engine starts or the store opens: a dumb terminal or a background process
        // group is refused with a message, not discovered as garbage on screen or a hung console.
        try NcursesBackend.checkTerminal(term: ProcessInfo.processInfo.environment["TERM"])
        if readOnly {
            try await watch()
        } else {
            try await operate()
        }
    }

    private func operate() async throws {
        let repository = try options.repository()
        try RepositorySetup.ensure(repository, options: options)
        let assembly = try EngineAssembly.make(
            options: options, overrides: .init(autoApprove: autoApprove ? true : nil, seed: seed))
        let engine = assembly.engine
        await assembly.startSchedules()
        var consoleOptions = try makeOptions(assembly.config, repository: repository)
        consoleOptions.statusHint = assembly.statusHint
        consoleOptions.ungatedMerge = assembly.config.engine.engine.allowUngatedMerge
        consoleOptions.requestJobDetail = { try await engine.jobDetail($0) }
        let events = await engine.events()
        let metricsEndpoint: MetricsEndpoint?
        do {
            metricsEndpoint = try await MetricsStartup.start(metrics, store: assembly.store, engine: engine)
        } catch {
            assembly.recordRunEnd(exitCode: 2)
            throw error
        }
        if let metricsEndpoint { await engine.notify("metrics at \(metricsEndpoint.url)") }
        let running = Task { await engine.run(untilIdle: false) }
        let forwarder = assembly.forwardGatewayNotices()
        let maintenance = assembly.maintainWorkspace()
        defer { maintenance.cancel() }
        let webhooks = assembly.deliverWebhooks()
        defer { webhooks?.cancel() }
        do {
            try await ConsoleApp.run(events: events, send: { await engine.send($0) }, options: consoleOptions)
        } catch {
            await shutDown(engine, running: running, assembly: assembly, code: 1)
            forwarder.cancel()
            await metricsEndpoint?.stop()
            throw error
        }
        forwarder.cancel()
        await shutDown(engine, running: running, assembly: assembly, code: 0)
        await metricsEndpoint?.stop()
    }

    /// Stops claiming, gives running stages a moment to finish, and leaves the rest to lease
    /// expiry: the next start reclaims them, so quitting never loses work.
    private func shutDown(
        _ engine: Engine, running: Task<Engine.RunSummary, Never>, assembly: EngineAssembly, code: Int32
    ) async {
        await engine.stop(interrupted: false)
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = await running.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !finished {
            printError("pilothouse: left running stages to their leases; the next start picks them up")
        }
        assembly.recordRunEnd(exitCode: code)
    }

    private func watch() async throws {
        let (repository, store) = try options.openStore()
        let config = try options.config(for: repository)
        var consoleOptions = try makeOptions(config, repository: repository)
        consoleOptions.readOnly = true
        consoleOptions.requestJobDetail = { try store.jobDetail($0) }
        let watcher = StoreWatcher(store: store)
        let events = try await watcher.events()
        try await ConsoleApp.run(
            events: events,
            send: { command in
                CommandOutcome(
                    command: command, succeeded: false, message: "read-only console: \(command) is disabled")
            }, options: consoleOptions)
        await watcher.stop()
    }

    private func makeOptions(_ config: PilothouseConfig, repository: Repository) throws -> ConsoleOptions {
        var consoleOptions = ConsoleOptions()
        consoleOptions.keyOverrides = config.console.keys
        consoleOptions.notify = config.console.notify
        let directory = repository.root
        consoleOptions.runNotifyCommand = { argv, input in
            await NotifyCommandRunner.run(argv: argv, input: input, directory: directory)
        }
        if let name = theme ?? config.console.theme {
            consoleOptions.theme = try ThemeChoice.resolve(
                name,
                relativeTo: theme == nil ? repository.homeDirectory : FileManager.default.currentDirectoryPath
            )
        }
        return consoleOptions
    }
}

/// A theme by built-in name or file path; a broken file falls back to the default with a
/// message instead of refusing to start.
enum ThemeChoice {
    static func resolve(_ name: String, relativeTo directory: String) throws -> Theme {
        if !name.hasSuffix(".toml"), let builtin = try? Theme.builtin(named: name) { return builtin }
        let path = name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(
                "unknown theme '\(name)'; use dark, light, high-contrast, monochrome or a .toml file")
        }
        do {
            let contents = try ThemeFile.load(path: path)
            return try Theme.parse(name: contents.name, roles: contents.roles)
        } catch {
            printError("pilothouse: theme \(path): \(error); using the dark theme")
            return .dark
        }
    }
}
