import ArgumentParser
import Foundation
import PilothouseEngine
import PilothouseMCP

/// `pilothouse mcp`: serves the repository's queue to an MCP client (an editor, an agent)
/// over standard input and output. The client starts it; it ends when the client closes its
/// standard input. Standard output carries JSON-RPC only: nothing else is printed there.
struct McpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve this repository's queue to an MCP client over standard input and output.",
        discussion: """
            Tools: enqueue, submit_patch, import_plan, list_jobs, get_job, get_diff, status, cost,
            list_quarantine, events_since, verify_chain; approve, reject and drop_quarantine only with
            [mcp] allow_decisions = true. Docs/CONFIGURATION.md shows an editor's configuration.
            """)

    @OptionGroup var options: RepositoryOptions

    func run() async throws {
        let (repository, store) = try options.openStore()
        let config = try options.config(for: repository)
        let tools = PilothouseTools(store: store, config: config, repositoryRoot: repository.root)
        let server = await PilothouseMCPServer.make(tools: tools, version: PilothouseVersion.current)
        try await server.start(
            transport: BoundedStdioTransport(maxMessageBytes: PilothouseMCPServer.messageLimit(config.limits))
        )
        await server.waitUntilCompleted()
    }
}
