import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    /// Creates a job per new plan item and updates queued jobs whose item changed, all in
    /// one transaction: a plan is imported entirely or not at all.
    ///
    /// Identity is the plan path plus the item's anchor, so importing the same plan again
    /// adds nothing.
    public func importPlan(_ items: [PlanItem], plan: String, maxAttempts: Int, now: Date) throws
        -> PlanImportSummary
    {
        let plan = stored(plan)
        return try write { db in
            var summary = PlanImportSummary()
            for item in items {
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT id, state, content_hash FROM jobs WHERE source_plan = ? AND source_anchor = ?",
                    arguments: [plan, stored(item.anchor)])
                guard let row else {
                    let job = stored.job(
                        Job(
                            id: JobID(date: now), title: item.title, goal: item.goal, category: item.category,
                            priority: item.priority, sourcePlan: plan, sourceAnchor: item.anchor,
                            filesHint: item.files,
                            maxAttempts: maxAttempts, createdAt: now))
                    try SQLiteStore.insert(job, contentHash: item.contentHash, in: db)
                    try SQLiteStore.appendBead(
                        db, jobID: job.id, kind: .jobCreated, message: job.title,
                        metadata: [
                            "priority": job.priority.description, "category": job.category.rawValue,
                            "plan": plan,
                            "anchor": job.sourceAnchor ?? "",
                        ], at: now)
                    summary.added.append(job.id)
                    continue
                }
                let hash: String? = row["content_hash"]
                if hash == item.contentHash {
                    summary.unchanged += 1
                    continue
                }
                guard (row["state"] as String) == JobState.queued.rawValue,
                    let id = JobID(row["id"] as String)
                else {
                    summary.notQueued += 1
                    continue
                }
                try db.execute(
                    sql: """
                        UPDATE jobs SET title = ?, goal = ?, category = ?, priority = ?, files_hint = ?, content_hash = ?,
                            updated_at = ? WHERE id = ?
                        """,
                    arguments: [
                        stored(item.title), stored(item.goal), item.category.rawValue, item.priority.rawValue,
                        SQLiteStore.encodeList(item.files.map { stored($0) }),
                        item.contentHash, SQLiteStore.millis(now), id.rawValue,
                    ])
                try SQLiteStore.appendBead(
                    db, jobID: id, kind: .jobUpdated, message: "updated from \(plan)",
                    metadata: [
                        "priority": item.priority.description, "category": item.category.rawValue,
                        "anchor": stored(item.anchor),
                    ],
                    at: now)
                summary.updated.append(id)
            }
            return summary
        }
    }
}
