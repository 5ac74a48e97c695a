import Foundation
import MCP
import PilothouseCore
import PilothouseEngine

/// The tools of `pilothouse mcp` for one repository: each call is checked against its
/// schema, then carried out by the same operations layer and store protocols the command line
/// uses, so an MCP client is refused what an operator at the shell would be, in the same words.
///
/// A call never throws: any refusal becomes an answer with `isError` set, its message passed
/// through the configuration's redactor and with terminal controls replaced (a refusal may
/// quote what the client sent, and clients show refusals to people).
public struct PilothouseTools: Sendable {
    public let store: any PilothouseStore
    public let config: PilothouseConfig
    /// The repository's top directory: plans are read only below it.
    public let repositoryRoot: String

    public init(store: any PilothouseStore, config: PilothouseConfig, repositoryRoot: String) {
        self.store = store
        self.config = config
        self.repositoryRoot = repositoryRoot
    }

    var operations: JobOperations { JobOperations(store: store, config: config) }

    /// The tools offered: every one but the decision tools unless `[mcp] allow_decisions`.
    public var catalogue: [Tool] { ToolCatalogue.tools(allowDecisions: config.mcp.allowDecisions) }

    public func call(_ name: String, arguments: [String: Value]?) -> CallTool.Result {
        do {
            guard let tool = catalogue.first(where: { $0.name == name }) else { throw notOffered(name) }
            let arguments = try ToolArguments(
                tool: name, values: arguments, accepted: ToolCatalogue.argumentNames(of: tool))
            return try run(name, arguments).result()
        } catch {
            return ToolOutput.failure(TerminalText.neutralised(store.stored("\(error)")))
        }
    }

    private func run(_ name: String, _ arguments: ToolArguments) throws -> ToolOutput {
        switch name {
        case "enqueue": try enqueue(arguments)
        case "submit_patch": try submitPatch(arguments)
        case "import_plan": try importPlan(arguments)
        case "list_jobs": try listJobs(arguments)
        case "get_job": try getJob(arguments)
        case "get_diff": try getDiff(arguments)
        case "status": try status()
        case "cost": try cost(arguments)
        case "list_quarantine": try listQuarantine()
        case "events_since": try eventsSince(arguments)
        case "verify_chain": try verifyChain(arguments)
        case "approve": try approve(arguments)
        case "reject": try reject(arguments)
        case "drop_quarantine": try dropQuarantine(arguments)
        default: throw notOffered(name)
        }
    }

    private func notOffered(_ name: String) -> ToolFailure {
        if ToolCatalogue.decisionTools.contains(name) {
            return ToolFailure(
                "\(name) is not offered: [mcp] allow_decisions is off, so approving, rejecting and dropping stay with the operator (the console, or `pilothouse \(name == "drop_quarantine" ? "quarantine rm" : name)`); to offer it, set allow_decisions = true under [mcp] in .pilothouse/pilothouse.toml and restart `pilothouse mcp`"
            )
        }
        return ToolFailure(
            "no tool named '\(name)'; tools/list names the \(catalogue.count) tools this server offers")
    }
}
