import Foundation
import MCP
import PilothouseCore
import PilothouseEngine

/// The plans the queue was imported from, as MCP resources (`pilothouse-plan:///<path>`), so
/// a client can read the plan behind a job. Only plans inside the repository are offered, read
/// through `PathGuard` and `[limits] plan_bytes` like `import_plan` reads them, and redacted
/// as stored text is.
struct PlanResources: Sendable {
    let tools: PilothouseTools
    static let scheme = "pilothouse-plan:///"

    func list() throws -> ListResources.Result {
        ListResources.Result(
            resources: try plans().map { path in
                Resource(
                    name: path, uri: Self.scheme + path,
                    description: "The plan \(path), as imported into the queue",
                    mimeType: "text/markdown")
            })
    }

    func read(_ uri: String) throws -> ReadResource.Result {
        guard uri.hasPrefix(Self.scheme), try plans().contains(String(uri.dropFirst(Self.scheme.count)))
        else {
            throw MCPError.invalidParams(
                "no resource \(uri.debugDescription); resources/list names the plans this server offers")
        }
        let path = String(uri.dropFirst(Self.scheme.count))
        let limit = tools.config.limits.planBytes
        guard let bytes = try PathGuard(root: tools.repositoryRoot).read(path, limit: limit) else {
            throw MCPError.invalidParams("the plan \(path) is no longer in the repository")
        }
        guard bytes.count <= limit else {
            throw MCPError.invalidParams(
                InputLimitExceeded(subject: path, key: "plan_bytes", limit: limit, unit: "bytes").description)
        }
        return ReadResource.Result(
            contents: [
                .text(
                    tools.store.stored(String(decoding: bytes, as: UTF8.self)), uri: uri,
                    mimeType: "text/markdown")
            ])
    }

    /// The plans jobs name that lie inside the repository (a plan imported by absolute path
    /// from elsewhere is named by that path, and is not the client's to read).
    private func plans() throws -> [String] {
        Set(try tools.store.jobs(state: nil).compactMap(\.sourcePlan)).filter {
            (try? PathRules.validate(relativePath: $0)) != nil && !$0.hasPrefix(".pilothouse/")
        }.sorted()
    }
}
