import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    /// Creates a job per new plan item and updates queued jobs whose item changed, all in
    /// one transaction: a plan is imported entirely or not at all.
    ///
    /// Identity is the plan path plus the item's anchor, so importing the same plan again
    /// adds nothing; two engines importing at once serialise on the chain lock, so the second
    /// finds the first one's jobs.
    public func importPlan(_ items: [PlanItem], plan: String, maxAttempts: Int, now: Date) throws
        -> PlanImportSummary
    {
        let plan = stored(plan)
        return try write { tx in
            var summary = PlanImportSummary()
            for item in items {
                let row = try tx.row(
                    "SELECT id, state, content_hash FROM jobs WHERE source_plan = $1 AND source_anchor = $2",
                    [plan, stored(item.anchor)])
                guard let row else {
                    let job = stored.job(
                        Job(
                            id: JobID(date: now), title: item.title, goal: item.goal, category: item.category,
                            priority: item.priority, sourcePlan: plan, sourceAnchor: item.anchor,
                            filesHint: item.files,
                            maxAttempts: maxAttempts, createdAt: now))
                    try PostgresStore.insert(job, contentHash: item.contentHash, in: tx)
                    try PostgresStore.appendBead(
                        tx, jobID: job.id, kind: .jobCreated, message: job.title,
                        metadata: [
                            "priority": job.priority.description, "category": job.category.rawValue,
                            "plan": plan,
                            "anchor": job.sourceAnchor ?? "",
                        ], at: now)
                    summary.added.append(job.id)
                    continue
                }
                if try row("content_hash", as: String?.self) == item.contentHash {
                    summary.unchanged += 1
                    continue
                }
                guard try row("state", as: String.self) == JobState.queued.rawValue,
                    let id = JobID(try row("id", as: String.self))
                else {
                    summary.notQueued += 1
                    continue
                }
                try tx.execute(
                    """
                    UPDATE jobs SET title = $1, goal = $2, category = $3, priority = $4, files_hint = $5, content_hash = $6,
                        updated_at = $7 WHERE id = $8
                    """,
                    [
                        stored(item.title), stored(item.goal), item.category.rawValue, item.priority.rawValue,
                        StoreEncoding.encodeList(item.files.map { stored($0) }), item.contentHash,
                        PostgresStore.millis(now), id.rawValue,
                    ])
                try PostgresStore.appendBead(
                    tx, jobID: id, kind: .jobUpdated, message: "updated from \(plan)",
                    metadata: [
                        "priority": item.priority.description, "category": item.category.rawValue,
                        "anchor": stored(item.anchor),
                    ], at: now)
                summary.updated.append(id)
            }
            return summary
        }
    }
}
