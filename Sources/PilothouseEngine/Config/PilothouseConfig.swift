import Foundation
import PilothouseCore
import TOMLKit

/// Settings from `.pilothouse/pilothouse.toml`. Every field has a default, so an empty or
/// missing file is a valid configuration.
public struct PilothouseConfig: Sendable, Equatable {
    public var jobs = JobsSection()
    public var engine = EngineSettings()
    public var console = ConsoleSettings()
    public var workspace = WorkspaceSection()
    public var policy = PolicySection()
    public var test = TestSection()
    public var mergeQueue = MergeQueueSection()
    public var redaction = RedactionSection()
    public var limits = InputLimits()
    public var agents: [String: AgentSettings] = [:]
    public var gateway = GatewayConfig()
    public var retention = RetentionSettings()
    public var mcp = MCPSettings()
    public var store = StoreSection()
    /// `[[schedules]]`: recurring imports and jobs, run by the engine.
    public var schedules: [ScheduleSettings] = []
    /// `[[webhooks]]`: signed POSTs of engine events, from the store's outbox.
    public var webhooks: [WebhookSettings] = []

    public struct JobsSection: Sendable, Equatable {
        /// Tries per job (across crashes) before it is quarantined with `max_attempts`.
        public var maxAttempts = 3
        public var defaultPriority = Priority.p2
        public var defaultCategory = JobCategory.quality
    }

    public init() {}

    /// Loads the file at `path`; a missing file gives the defaults.
    public static func load(path: String) throws(ConfigError) -> PilothouseConfig {
        guard FileManager.default.fileExists(atPath: path) else { return PilothouseConfig() }
        let text = try ConfigFile.text(at: path)
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> PilothouseConfig {
        var reader = try ConfigReader(parsing: text, path: path)
        var config = PilothouseConfig()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        config.fingerprint = String(hash, radix: 16)
        try InputLimits.read(&reader, into: &config.limits)
        try reader.section("jobs") { (jobs: inout ConfigReader.Section) throws(ConfigError) in
            if let value = try jobs.int("max_attempts", range: 1...100) { config.jobs.maxAttempts = value }
            if let value = try jobs.string("default_priority") {
                guard let priority = Priority(label: value) else {
                    throw jobs.invalid("default_priority", value, expected: "P0, P1, P2 or P3")
                }
                config.jobs.defaultPriority = priority
            }
            if let value = try jobs.string("default_category") {
                guard let category = JobCategory(label: value) else {
                    throw jobs.invalid(
                        "default_category", value,
                        expected: JobCategory.allCases.map(\.rawValue).joined(separator: ", "))
                }
                config.jobs.defaultCategory = category
            }
        }
        try config.engine.read(&reader, baseDirectory: (path as NSString).deletingLastPathComponent)
        try parseWorkspaceSections(&reader, into: &config)
        try MergeQueueSection.read(&reader, into: &config.mergeQueue)
        try GatewayConfig.read(&reader, into: &config.gateway)
        try ConsoleSettings.read(&reader, into: &config.console)
        try RetentionSettings.read(&reader, into: &config.retention)
        try MCPSettings.read(&reader, into: &config.mcp)
        try StoreSection.read(&reader, into: &config.store)
        try ScheduleSettings.read(&reader, into: &config.schedules)
        try WebhookSettings.read(&reader, into: &config.webhooks)
        try reader.rejectUnknownSections()
        return config
    }

    /// A fingerprint of the configuration text (FNV-1a), recorded in each run's header so a
    /// run can be matched with the settings it ran under.
    public var fingerprint = "default"
}
