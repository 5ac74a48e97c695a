/// `[limits]`: the largest inputs Pilothouse accepts.
///
/// Each is checked before the input is parsed or stored, so an oversized patch, plan or
/// pattern list is refused in milliseconds with a message naming the limit, instead of
/// costing minutes, gigabytes of memory and a bloated database before some later check.
public struct InputLimits: Sendable, Equatable {
    /// A configuration file (and a `[pipeline] file`, a theme) is at most this many bytes.
    /// Fixed, because the file cannot raise the limit it is read under.
    public static let configBytes = 1 << 20

    /// Bytes of a patch given to `enqueue --patch`.
    public var patchBytes = 4 << 20
    /// Bytes of a job's goal, and of its title, given to `enqueue` (or the MCP `enqueue` tool):
    /// every prompt of the job repeats the goal.
    public var goalBytes = 256 << 10
    /// Bytes of a plan given to `import`.
    public var planBytes = 4 << 20
    /// Items one plan may hold.
    public var planItems = 2_000
    /// Patterns in `[redaction] patterns`; each is compiled and run over every text stored.
    public var redactionPatterns = 200

    public init() {}

    /// Reads `[limits]`; called first, so later sections are checked against it.
    static func read(_ reader: inout ConfigReader, into limits: inout InputLimits) throws(ConfigError) {
        try reader.section("limits") { (section: inout ConfigReader.Section) throws(ConfigError) in
            if let value = try section.int("patch_bytes", range: 1024...(1 << 30)) {
                limits.patchBytes = value
            }
            if let value = try section.int("goal_bytes", range: 1024...(1 << 30)) { limits.goalBytes = value }
            if let value = try section.int("plan_bytes", range: 1024...(1 << 30)) { limits.planBytes = value }
            if let value = try section.int("plan_items", range: 1...1_000_000) { limits.planItems = value }
            if let value = try section.int("redaction_patterns", range: 0...100_000) {
                limits.redactionPatterns = value
            }
        }
    }
}

/// An input larger than its limit; the message names the limit and how to raise it.
public struct InputLimitExceeded: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was too large, as the user named it (a path, "the plan").
    public var subject: String
    /// The `[limits]` key, or nil for a fixed limit.
    public var key: String?
    public var limit: Int
    /// The unit counted: "bytes", "items", "patterns".
    public var unit: String

    public init(subject: String, key: String?, limit: Int, unit: String) {
        self.subject = subject
        self.key = key
        self.limit = limit
        self.unit = unit
    }

    public var description: String {
        guard let key else {
            return "\(subject): more than \(limit) \(unit), the fixed limit for this kind of file; split it"
        }
        return
            "\(subject): more than \(limit) \(unit), the limit [limits] \(key); raise it in .pilothouse/pilothouse.toml (\"[limits]\" then \"\(key) = N\") if this input is meant to be that large"
    }
}
