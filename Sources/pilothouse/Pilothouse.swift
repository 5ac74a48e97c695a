import ArgumentParser
import PilothouseEngine
import PilothouseSQLiteStore

/// The `pilothouse` command: a control room for an autonomous code-improvement swarm.
struct Pilothouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pilothouse",
        abstract: "A control room for an autonomous code-improvement swarm.",
        discussion: """
            Pilothouse keeps its state in .pilothouse/ of the target git repository.
            New here? `pilothouse demo` sets up a sample repository and opens the console on it.
            In your own repository: `pilothouse init`, then `pilothouse import PLAN.md` or `pilothouse enqueue "goal"`.
            """,
        version: PilothouseVersion.current,
        subcommands: [
            ConsoleCommand.self, InitCommand.self, EnqueueCommand.self, ImportCommand.self, JobsCommand.self,
            BeadsCommand.self,
            QuarantineCommand.self, RunCommand.self, EngineCommand.self, EnginesCommand.self,
            SchedulesCommand.self,
            ApproveCommand.self, RejectCommand.self,
            RetryCommand.self,
            CancelCommand.self, PauseCommand.self, ResumeCommand.self,
            StatusCommand.self, QueueCommand.self, RollbackCommand.self,
            CostCommand.self, McpCommand.self,
            CacheCommand.self, GcCommand.self, StoreCommand.self, DoctorCommand.self, BenchCommand.self,
            DemoCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )
}
