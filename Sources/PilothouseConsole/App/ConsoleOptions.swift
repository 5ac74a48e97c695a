import Foundation
import PilothouseCore

/// How the executable configures the console.
public struct ConsoleOptions: Sendable {
    /// The theme to start with (from `--theme` or config, already parsed).
    public var theme: Theme
    /// Themes `t` cycles through after `theme`; the built-ins by default.
    public var otherThemes: [Theme]
    /// Attached to a store another process runs: every key that changes state is refused.
    public var readOnly: Bool
    /// The `[keys]` table from config, lazygit style (`approve = ["a"]`, `"<disabled>"`).
    public var keyOverrides: [String: [String]]
    /// `[pipeline] allow_ungated_merge` is on: the header says so for as long as it is, since
    /// patches may merge without a check or an approval.
    public var ungatedMerge = false
    /// First status-line message, e.g. a config warning or "theme file broken, using dark".
    public var statusHint: String?
    /// Upper bound on redraws per second while events stream in.
    public var maximumFramesPerSecond: Int
    /// How often ages on screen are refreshed when nothing else happens, in milliseconds.
    public var clockTickMilliseconds: Int32
    /// Environment lookup for colour detection (`NO_COLOR`, `COLORTERM`) and `TMUX`.
    public var environment: @Sendable (String) -> String?
    /// The `[notify]` section: which events ring the bell, send a desktop notification or run
    /// `notify_command`.
    public var notify = NotifySettings()
    /// Runs `notify_command` (argv) with the notification's JSON on stdin and returns nil, or a
    /// message saying why it failed; the executable provides it, since the console spawns nothing.
    public var runNotifyCommand: (@Sendable (_ argv: [String], _ input: Data) async -> String?)?
    /// Asks the engine (or, read-only, the watched store) for a job's transcript, patch and
    /// stage history when its view or quarantine record opens; the console reads no store itself.
    public var requestJobDetail: (@Sendable (JobID) async throws -> JobDetail)?

    public init(
        theme: Theme = .dark, otherThemes: [Theme] = Theme.builtins, readOnly: Bool = false,
        keyOverrides: [String: [String]] = [:], statusHint: String? = nil, maximumFramesPerSecond: Int = 30,
        clockTickMilliseconds: Int32 = 15_000,
        environment: @escaping @Sendable (String) -> String? = NcursesBackend.processEnvironment
    ) {
        self.theme = theme
        self.otherThemes = otherThemes
        self.readOnly = readOnly
        self.keyOverrides = keyOverrides
        self.statusHint = statusHint
        self.maximumFramesPerSecond = maximumFramesPerSecond
        self.clockTickMilliseconds = clockTickMilliseconds
        self.environment = environment
    }

    /// `theme` first, then the others without repeating its name.
    var themeCycle: [Theme] {
        [theme] + otherThemes.filter { $0.name != theme.name }
    }
}
