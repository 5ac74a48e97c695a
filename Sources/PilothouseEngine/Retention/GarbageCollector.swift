import Foundation
import PilothouseCore

/// `pilothouse gc`, and the engine's automatic collection under `[retention]`: removes what
/// finished jobs left behind once their last event is older than an age.
///
/// Merged jobs' worktrees and branches go when they merge (`WorktreeManager.finish`); those of
/// quarantined, failed, rejected and cancelled jobs stay for inspection until this removes them,
/// with old transcripts and response-cache entries. A job that is active or held (queued,
/// running, awaiting approval, merging, needing a rebase, paused, on budget hold) is never
/// touched, whatever its age. `refs/pilothouse/merges/*` and `reverts/*` stay: they are how
/// `rollback` finds a job's merge.
///
/// Two collectors, or a collector and a running engine, may work at once: each job is removed
/// under the worktree lock held exclusively, after its state is read again under that lock; a
/// worktree is claimed by one `rename` before it is deleted; and refs are deleted only if they
/// still point where they did when listed.
public struct GarbageCollector: Sendable {
    public let store: any RetentionStore
    public let worktrees: WorktreeManager

    public init(store: any RetentionStore, worktrees: WorktreeManager) {
        self.store = store
        self.worktrees = worktrees
    }

    /// States a job leaves only by an operator's command, so nothing of the engine uses its
    /// worktree or branch.
    public static let collectibleStates: Set<JobState> = [
        .merged, .completed, .rejected, .failed, .cancelled, .quarantined,
    ]

    public func collect(olderThan age: TimeInterval, dryRun: Bool, now: Date = Date())
        throws(GarbageCollectionError) -> GarbageReport
    {
        var report = GarbageReport(dryRun: dryRun, olderThan: age)
        let cutoff = now.addingTimeInterval(-age)
        let activity: [JobID: JobActivity]
        do {
            activity = try store.jobActivity()
        } catch {
            throw .store("could not read the jobs: \(error)")
        }
        let refs = try jobRefs()
        var candidates = Set(refs.keys)
        for name
            in (try? FileManager.default.contentsOfDirectory(atPath: worktrees.repository.worktreesDirectory))
            ?? []
        {
            if let id = JobID(name), id.rawValue == name { candidates.insert(id) }
        }
        var refsToDelete: [(ref: String, old: String)] = []
        for id in candidates.sorted() {
            switch verdict(activity[id], cutoff: cutoff) {
            case .active:
                report.keptActive += 1
                continue
            case .recent:
                report.keptRecent += 1
                continue
            case .collect:
                break
            }
            let collected = try collectWorktree(of: id, cutoff: cutoff, dryRun: dryRun)
            guard let collected else {
                report.keptActive += 1  // revived between the listing and the lock
                continue
            }
            let jobRefs = refs[id] ?? []
            refsToDelete += jobRefs
            report.jobs.append(
                GarbageReport.CollectedJob(
                    job: id.rawValue, state: activity[id]?.state.rawValue ?? "unknown",
                    lastEvent: activity[id].map { ISO8601DateFormatter().string(from: $0.lastEvent) },
                    worktree: collected.removed, refs: jobRefs.map(\.ref), bytes: collected.bytes))
            report.bytesFreed += collected.bytes
        }
        if !dryRun { try deleteRefs(refsToDelete) }

        let oldJobs = activity.values.filter { verdict($0, cutoff: cutoff) == .collect }.map(\.id)
        do {
            report.transcriptsDeleted = try store.deleteTranscripts(
                of: oldJobs, unattachedBefore: cutoff, dryRun: dryRun)
            report.cacheEntriesDeleted = try store.deleteCacheEntries(unusedSince: cutoff, dryRun: dryRun)
            report.outboxRowsDeleted = try store.deleteSettledOutbox(settledBefore: cutoff, dryRun: dryRun)
        } catch {
            throw .store("could not delete old transcripts, cache entries or webhook outbox rows: \(error)")
        }
        if !dryRun {
            report.staleCheckouts = worktrees.removeCheckoutsOfDeadEngines()
            try tidyRegistrations()
        }
        return report
    }

    enum Verdict { case active, recent, collect }

    /// A job the store does not know (its worktree or branch outlived a deleted database) is
    /// collected at once: no event of it will ever come.
    func verdict(_ activity: JobActivity?, cutoff: Date) -> Verdict {
        guard let activity else { return .collect }
        guard Self.collectibleStates.contains(activity.state) else { return .active }
        return activity.lastEvent < cutoff ? .collect : .recent
    }

    /// Removes the job's worktree under the exclusive lock, after reading its state again;
    /// nil when the job turned out to be active again.
    private func collectWorktree(of id: JobID, cutoff: Date, dryRun: Bool)
        throws(GarbageCollectionError) -> (removed: Bool, bytes: Int64)?
    {
        do {
            return try worktrees.lock.exclusive {
                () throws(WorkspaceError) -> (removed: Bool, bytes: Int64)? in
                let fresh: JobActivity?
                do {
                    fresh = try store.jobActivity(of: id)
                } catch {
                    throw .io(
                        path: worktrees.repository.databasePath, detail: "could not read job \(id): \(error)")
                }
                guard verdict(fresh, cutoff: cutoff) == .collect else { return nil }
                let path = worktrees.path(for: id)
                var info = stat()
                guard lstat(path, &info) == 0 else { return (false, 0) }
                let bytes = DiskUsage.bytes(under: path)
                if !dryRun {
                    try worktrees.trash.discard(
                        path,
                        registration: WorktreeRegistration.find(
                            at: path, commonDirectory: worktrees.commonDirectory))
                }
                return (true, bytes)
            }
        } catch {
            throw .workspace(error)
        }
    }

    /// Job branches and legacy base refs, by job: one `for-each-ref`. A branch checked out in
    /// any worktree (an operator inspecting a job) is left out.
    private func jobRefs() throws(GarbageCollectionError) -> [JobID: [(ref: String, old: String)]] {
        let listing: String
        do {
            listing = try worktrees.checked([
                "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads/pilothouse/",
                "refs/pilothouse/base/",
            ])
        } catch {
            throw .workspace(error)
        }
        let checkedOut = worktrees.checkedOutRefs()
        var refs: [JobID: [(ref: String, old: String)]] = [:]
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard fields.count == 2, checkedOut[fields[1]] == nil else { continue }
            let name = (fields[1] as NSString).lastPathComponent
            guard let id = JobID(name), id.rawValue == name,
                fields[1] == "refs/heads/" + WorktreeManager.branch(for: id)
                    || fields[1] == WorktreeManager.legacyBaseRef(for: id)
            else { continue }
            refs[id, default: []].append((fields[1], fields[0]))
        }
        return refs
    }

    /// Deletes refs in one transaction if all still point where they did; otherwise one by
    /// one, each only if it still does (a job revived meanwhile keeps its new branch).
    private func deleteRefs(_ refs: [(ref: String, old: String)]) throws(GarbageCollectionError) {
        guard !refs.isEmpty else { return }
        let commands = refs.map { "delete \($0.ref) \($0.old)\n" }.joined()
        do {
            if try worktrees.runGit(["update-ref", "--stdin"], input: Data(commands.utf8)).status == 0 {
                return
            }
            for (ref, old) in refs { _ = try worktrees.runGit(["update-ref", "-d", ref, old]) }
        } catch {
            throw .workspace(error)
        }
    }

    /// Empties the trash an interrupted removal left and lets git forget registrations whose
    /// directories are gone, under the exclusive lock so no engine is moving a worktree.
    private func tidyRegistrations() throws(GarbageCollectionError) {
        do {
            try worktrees.lock.exclusive { () throws(WorkspaceError) in
                try worktrees.trash.sweep()
                try worktrees.checked(["worktree", "prune"])
            }
        } catch {
            throw .workspace(error)
        }
    }
}

/// Why a collection stopped.
public enum GarbageCollectionError: Error, Equatable, Sendable, CustomStringConvertible {
    case store(String)
    case workspace(WorkspaceError)

    public var description: String {
        switch self {
        case .store(let detail): detail
        case .workspace(let error): error.description
        }
    }
}
