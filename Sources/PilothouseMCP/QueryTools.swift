import Foundation
import PilothouseCore
import PilothouseEngine

/// The read-only tools: jobs, a job's beads and diff, status, cost, quarantine, the chain.
extension PilothouseTools {
    /// One page of `list_jobs`.
    struct JobPage: Encodable {
        var jobs: [Job]
        /// Jobs matching the filters, on every page.
        var total: Int
        /// The `cursor` of the next page; nil on the last one.
        var nextCursor: String?
    }

    /// Pages are offsets into the scheduler's order; a job that changes state between two
    /// pages may be seen twice or not at all, as with any listing of a live queue.
    func listJobs(_ arguments: ToolArguments) throws -> ToolOutput {
        let state = try arguments.label(
            "state", JobState.init(rawValue:),
            expected: "one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
        let priority = try arguments.priority()
        let category = try arguments.category()
        let limit = try arguments.int("limit", in: 1...QueryLimits.maxPage) ?? QueryLimits.defaultPage
        let offset =
            try arguments.string("cursor").map { cursor in
                guard let offset = Int(cursor), offset >= 0 else {
                    throw ToolFailure(
                        "list_jobs: cursor '\(cursor)' is not one this server gave; pass next_cursor from the previous answer, or leave it out for the first page"
                    )
                }
                return offset
            } ?? 0
        let matching = try store.jobs(state: state).filter {
            (priority == nil || $0.priority == priority) && (category == nil || $0.category == category)
        }
        let page = Array(matching.dropFirst(offset).prefix(limit))
        let next = offset + page.count
        return try .of(
            JobPage(jobs: page, total: matching.count, nextCursor: next < matching.count ? String(next) : nil)
        )
    }

    struct JobWithBeads: Encodable {
        var job: Job
        var beads: [Bead]
    }

    func getJob(_ arguments: ToolArguments) throws -> ToolOutput {
        let job = try store.resolveJob(arguments.requiredString("id"))
        return try .of(JobWithBeads(job: job, beads: store.beads(jobID: job.id)))
    }

    struct JobDiff: Encodable {
        var jobId: String
        var state: JobState
        var diff: String
    }

    /// The patch as the console shows it: `jobDetail`'s, with secrets redacted.
    func getDiff(_ arguments: ToolArguments) throws -> ToolOutput {
        let job = try store.resolveJob(arguments.requiredString("id"))
        guard let patch = try store.jobDetail(job.id).patch else {
            throw ToolFailure(
                "get_diff: \(job.id.short) has no patch yet (it is \(job.state)); its implement stage makes one once an engine runs it (`pilothouse run`)"
            )
        }
        return try .of(
            JobDiff(jobId: job.id.rawValue, state: job.state, diff: String(decoding: patch, as: UTF8.self)))
    }

    func status() throws -> ToolOutput {
        try .of(StatusReport(store: store, repository: repositoryRoot, config: config, configError: nil))
    }

    func cost(_ arguments: ToolArguments) throws -> ToolOutput {
        let grouping = try arguments.label(
            "by", noun: "grouping", CostReport.Grouping.init(rawValue:),
            expected: "one of \(CostReport.Grouping.allCases.map(\.rawValue).joined(separator: ", "))")
        return try .of(store.costReport(by: grouping).document)
    }

    struct QuarantineList: Encodable {
        var records: [QuarantineRecord]
    }

    func listQuarantine() throws -> ToolOutput {
        try .of(QuarantineList(records: store.quarantineRecords()))
    }

    struct Events: Encodable {
        var beads: [Bead]
        /// The cursor for the next call: the seq of the last bead returned (the same cursor
        /// when none was new).
        var nextCursor: Int64
        /// The seq of the newest bead in the chain now.
        var head: Int64
    }

    func eventsSince(_ arguments: ToolArguments) throws -> ToolOutput {
        let cursor = Int64(try arguments.int("cursor", in: 0...Int(Int64.max)) ?? 0)
        let limit = try arguments.int("limit", in: 1...QueryLimits.maxEvents) ?? QueryLimits.defaultEvents
        let head = try store.lastBeadSeq()
        let beads = try store.beads(after: cursor, limit: limit)
        return try .of(
            Events(beads: beads, nextCursor: beads.last?.seq ?? cursor, head: max(head, beads.last?.seq ?? 0))
        )
    }

    struct ChainVerdict: Encodable {
        var ok: Bool
        /// Beads verified, when the chain holds.
        var count: Int?
        var brokenAtSeq: Int64?
        var problem: String?
        var message: String
    }

    /// A broken chain is an answer, not a failed call: the tool did its job and found it.
    func verifyChain(_ arguments: ToolArguments) throws -> ToolOutput {
        let checkpoint = try arguments.string("checkpoint").map { text in
            do throws(BeadChainCheckpointError) {
                return try BeadChainCheckpoint(parsing: text)
            } catch {
                throw ToolFailure("verify_chain: \(error)")
            }
        }
        switch try store.verifyBeads(against: checkpoint) {
        case .ok(let count):
            return try .of(
                ChainVerdict(
                    ok: true, count: count,
                    message: "\(count) bead\(count == 1 ? "" : "s") verified"
                        + (checkpoint.map { "; extends checkpoint \($0.length):\($0.hash.prefix(8))…" } ?? "")
                ))
        case .broken(let problem):
            return try .of(
                ChainVerdict(
                    ok: false, brokenAtSeq: problem.seq, problem: problem.problem.rawValue,
                    message: "bead chain broken at \(problem)"))
        }
    }
}
