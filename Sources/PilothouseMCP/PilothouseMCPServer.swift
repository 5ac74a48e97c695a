import Foundation
import MCP
import PilothouseEngine

/// Wires `PilothouseTools` into an MCP `Server`: `tools/list` gives the catalogue (decision
/// tools only when allowed), `tools/call` runs one tool, and the plan resources are listed and
/// read. Nothing here decides anything: the handlers only translate.
public enum PilothouseMCPServer {
    /// The largest message the transport reads: room for the largest patch, plan or goal the
    /// `[limits]` accept, even if every byte of it is escaped in JSON (`\u0000` is six bytes).
    public static func messageLimit(_ limits: InputLimits) -> Int {
        max(limits.patchBytes, limits.planBytes, limits.goalBytes) * 6 + (1 << 20)
    }

    public static func make(tools: PilothouseTools, version: String) async -> Server {
        let server = Server(
            name: "pilothouse", version: version, title: "Pilothouse",
            instructions: """
                Pilothouse runs a swarm of coding agents through a pipeline (analyze, plan, implement, check, \
                review, test, approve, merge) on one git repository. Queue work with enqueue, submit_patch or \
                import_plan; follow it with list_jobs, get_job, get_diff and events_since. Nothing merges \
                without the operator's approval unless they allowed decisions over MCP.
                """,
            capabilities: .init(
                resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        let resources = PlanResources(tools: tools)
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools.catalogue) }
        await server.withMethodHandler(CallTool.self) { params in
            tools.call(params.name, arguments: params.arguments)
        }
        await server.withMethodHandler(ListResources.self) { _ in try resources.list() }
        await server.withMethodHandler(ReadResource.self) { params in try resources.read(params.uri) }
        return server
    }
}
