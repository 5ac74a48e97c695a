/// `[mcp]`: what `pilothouse mcp` offers to the MCP clients (editors, agents) that start it.
///
/// ```toml
/// [mcp]
/// allow_decisions = false   # true: also offer approve, reject and drop_quarantine
/// ```
///
/// Decisions are off by default: a patch merges on the operator's keypress, and an agent that
/// can reach the server must not be able to approve its own work.
public struct MCPSettings: Sendable, Equatable {
    /// Whether the server offers the tools that decide for the operator: `approve`, `reject`
    /// and `drop_quarantine`.
    public var allowDecisions = false

    public init(allowDecisions: Bool = false) {
        self.allowDecisions = allowDecisions
    }

    static func read(_ reader: inout ConfigReader, into settings: inout MCPSettings) throws(ConfigError) {
        try reader.section("mcp") { (section: inout ConfigReader.Section) throws(ConfigError) in
            if let value = try section.bool("allow_decisions") { settings.allowDecisions = value }
        }
    }
}
