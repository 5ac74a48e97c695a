import MCP
import PilothouseCore
import PilothouseEngine

/// Every tool the server can offer, with the JSON schema of its arguments.
///
/// The schemas are what a client shows its model, so each description says what the tool
/// does to the queue and what the operator still decides. The decision tools (`approve`,
/// `reject`, `drop_quarantine`) are listed only with `[mcp] allow_decisions = true`.
enum ToolCatalogue {
    /// The tools that decide in the operator's place.
    static let decisionTools: Set<String> = ["approve", "reject", "drop_quarantine"]

    static func tools(allowDecisions: Bool) -> [Tool] {
        all.filter { allowDecisions || !decisionTools.contains($0.name) }
    }

    /// The argument names a tool's schema lists: all it accepts.
    static func argumentNames(of tool: Tool) -> [String] {
        tool.inputSchema.objectValue?["properties"]?.objectValue.map { Array($0.keys) } ?? []
    }

    static let all: [Tool] = [
        Tool(
            name: "enqueue",
            description:
                "Queue one job: a goal in plain words for the swarm to implement. The job goes through the whole pipeline (analyze … test) and waits for the operator's approval before it merges.",
            inputSchema: schema(
                jobFields.merging(["goal": text("What the job should achieve.")]) { $1 }, required: ["goal"]),
            annotations: .init(readOnlyHint: false, destructiveHint: false, openWorldHint: false)),
        Tool(
            name: "submit_patch",
            description:
                "Queue a ready patch (a unified diff against the repository's integration branch), as `pilothouse enqueue --patch` does: it is refused if it does not parse, touches a path outside the repository or adds a secret; otherwise it skips implement and goes through check, review, test and the operator's approval.",
            inputSchema: schema(
                jobFields.merging([
                    "diff": text("The unified diff (git diff format)."),
                    "goal": text(
                        "What the patch achieves (default: \"Apply the patch submitted over MCP.\")."),
                ]) { $1 }, required: ["diff"]),
            annotations: .init(readOnlyHint: false, destructiveHint: false, openWorldHint: false)),
        Tool(
            name: "import_plan",
            description:
                "Turn a Markdown improvement plan inside the repository into jobs, as `pilothouse import` does. Importing the same plan again adds nothing; a changed item updates its job while the job is still queued.",
            inputSchema: schema(
                ["path": text("The plan's path, relative to the repository root (or absolute, inside it).")],
                required: ["path"]),
            annotations: .init(
                readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)
        ),
        Tool(
            name: "list_jobs",
            description:
                "List jobs in the order the scheduler takes them (priority, then age), a page at a time; pass next_cursor back as cursor for the next page.",
            inputSchema: schema(
                [
                    "state": choice(JobState.allCases.map(\.rawValue), "Only jobs in this state."),
                    "priority": text("Only jobs of this priority: P0 (first) … P3."),
                    "category": choice(JobCategory.allCases.map(\.rawValue), "Only jobs of this category."),
                    "limit": integer(
                        "Jobs per page (default \(QueryLimits.defaultPage)).", 1...QueryLimits.maxPage),
                    "cursor": text("next_cursor from the previous page; leave out for the first page."),
                ], required: []),
            annotations: readOnly),
        Tool(
            name: "get_job",
            description: "One job with its beads (its audit trail: stages, model calls, decisions).",
            inputSchema: schema(["id": jobID], required: ["id"]), annotations: readOnly),
        Tool(
            name: "get_diff",
            description:
                "The newest patch of a job as a unified diff (secrets redacted); refused while the job has none yet.",
            inputSchema: schema(["id": jobID], required: ["id"]), annotations: readOnly),
        Tool(
            name: "status",
            description:
                "The store at a glance: jobs by state, quarantined records, spend, the oldest patch waiting for approval, the length of the bead chain.",
            inputSchema: schema([:], required: []), annotations: readOnly),
        Tool(
            name: "cost",
            description:
                "Model spend and tokens from the ledger, exact to the micro-dollar, optionally grouped.",
            inputSchema: schema(
                ["by": choice(CostReport.Grouping.allCases.map(\.rawValue), "Group the rows by this key.")],
                required: []),
            annotations: readOnly),
        Tool(
            name: "list_quarantine",
            description:
                "Records set aside for the operator: malformed model output, policy violations, patches that do not apply, jobs out of attempts.",
            inputSchema: schema([:], required: []), annotations: readOnly),
        Tool(
            name: "events_since",
            description:
                "Beads appended after a cursor, in chain order, for agents that poll: start at 0, then pass next_cursor back.",
            inputSchema: schema(
                [
                    "cursor": integer(
                        "The seq of the last bead already seen (0: from the start).", 0...Int(Int64.max)),
                    "limit": integer(
                        "Beads at most (default \(QueryLimits.defaultEvents)).", 1...QueryLimits.maxEvents),
                ], required: []),
            annotations: readOnly),
        Tool(
            name: "verify_chain",
            description:
                "Check every bead's hash and link, as `pilothouse beads verify` does; with a checkpoint, also that the chain still extends it.",
            inputSchema: schema(
                ["checkpoint": text("LENGTH:HASH, as `pilothouse beads checkpoint` printed it.")],
                required: []),
            annotations: readOnly),
        Tool(
            name: "approve",
            description:
                "Approve a patch waiting for the operator (all of it, or some hunks); an engine merges it. Offered only with [mcp] allow_decisions = true.",
            inputSchema: schema(
                [
                    "id": jobID,
                    "hunks": .object([
                        "type": "array", "items": .object(["type": "integer", "minimum": 0]),
                        "description": "Approve only these hunks (0-based, in diff order).",
                    ]),
                ], required: ["id"]),
            annotations: .init(readOnlyHint: false, destructiveHint: true, openWorldHint: false)),
        Tool(
            name: "reject",
            description:
                "Reject a patch waiting for the operator; with a reason (and [approval] on_reject = \"retry\") the job tries again with it as feedback. Offered only with [mcp] allow_decisions = true.",
            inputSchema: schema(
                ["id": jobID, "reason": text("Why: fed back to implement.")], required: ["id"]),
            annotations: .init(readOnlyHint: false, destructiveHint: true, openWorldHint: false)),
        Tool(
            name: "drop_quarantine",
            description:
                "Drop a quarantine record for good; a job it still holds ends failed. Offered only with [mcp] allow_decisions = true.",
            inputSchema: schema(
                [
                    "record": text("The record's id, or an unambiguous part of it."),
                    "reason": text("Why it is dropped (kept in the audit trail)."),
                ], required: ["record", "reason"]),
            annotations: .init(readOnlyHint: false, destructiveHint: true, openWorldHint: false)),
    ]

    // MARK: schema pieces

    private static let readOnly = Tool.Annotations(readOnlyHint: true, openWorldHint: false)

    private static let jobID = text("The job id, or an unambiguous part of it (as list_jobs shows).")

    /// The fields `enqueue` and `submit_patch` share with `pilothouse enqueue`.
    private static let jobFields: [String: Value] = [
        "title": text("A short title (default: the goal's first line, shortened)."),
        "files": .object([
            "type": "array", "items": .object(["type": "string"]),
            "description": "Files the job is about, relative to the repository root (a hint, not a limit).",
        ]),
        "priority": text("P0 (first) … P3 (default: [jobs] default_priority)."),
        "category": choice(
            JobCategory.allCases.map(\.rawValue), "The kind of change (default: [jobs] default_category)."),
    ]

    private static func schema(_ properties: [String: Value], required: [String]) -> Value {
        .object([
            "type": "object", "properties": .object(properties),
            "required": .array(required.map { .string($0) }), "additionalProperties": false,
        ])
    }

    private static func text(_ description: String) -> Value {
        .object(["type": "string", "description": .string(description)])
    }

    private static func choice(_ values: [String], _ description: String) -> Value {
        .object([
            "type": "string", "enum": .array(values.map { .string($0) }), "description": .string(description),
        ])
    }

    private static func integer(_ description: String, _ range: ClosedRange<Int>) -> Value {
        .object([
            "type": "integer", "minimum": .int(range.lowerBound), "maximum": .int(range.upperBound),
            "description": .string(description),
        ])
    }
}

/// Page sizes of the listing tools: large enough for one answer to be useful, small enough
/// that one answer stays a reasonable message for a model.
enum QueryLimits {
    static let defaultPage = 50
    static let maxPage = 500
    static let defaultEvents = 100
    static let maxEvents = 1_000
}
