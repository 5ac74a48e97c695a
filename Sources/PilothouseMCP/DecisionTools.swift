import Foundation
import PilothouseCore
import PilothouseEngine

/// `approve`, `reject` and `drop_quarantine`: offered only with `[mcp] allow_decisions =
/// true` (`PilothouseTools.catalogue`), and then exactly the operations `pilothouse approve`,
/// `reject` and `quarantine rm` run.
extension PilothouseTools {
    /// Who the beads name as having decided.
    static let decider = "MCP client (pilothouse mcp)"

    func approve(_ arguments: ToolArguments) throws -> ToolOutput {
        let job = try store.resolveJob(arguments.requiredString("id"))
        let hunks = try arguments.ints("hunks", in: 0...Int(Int32.max))
        return try .of(operations.approve(job.id, hunks: hunks, by: Self.decider))
    }

    struct Rejection: Encodable {
        var job: Job?
        /// Whether the job tries again with the reason as feedback.
        var retry: Bool
    }

    func reject(_ arguments: ToolArguments) throws -> ToolOutput {
        let job = try store.resolveJob(arguments.requiredString("id"))
        let retry = try operations.reject(job.id, reason: arguments.string("reason") ?? "")
        return try .of(Rejection(job: store.job(job.id), retry: retry))
    }

    struct Drop: Encodable {
        var record: QuarantineRecord
        var job: Job?
    }

    func dropQuarantine(_ arguments: ToolArguments) throws -> ToolOutput {
        let settled = try operations.dropQuarantine(
            arguments.requiredString("record"), reason: arguments.requiredString("reason"))
        return try .of(Drop(record: settled.record, job: settled.job))
    }
}
