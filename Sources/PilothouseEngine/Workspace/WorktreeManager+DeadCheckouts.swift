import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension WorktreeManager {
    /// Removes the merge queue's candidate checkouts (`merge-queue-<pid>-<tag>`) whose process
    /// is gone from this host: a queue keeps its checkout between batches, so an engine that
    /// exited or was killed leaves one behind. Called by the next queue that starts and by
    /// `pilothouse gc`; a live engine's checkout is never touched. Returns the names removed.
    @discardableResult
    public func removeCheckoutsOfDeadEngines() -> [String] {
        let directory = repository.worktreesDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed: [String] = []
        for name in names.sorted() where name.hasPrefix("merge-queue-") {
            let fields = name.split(separator: "-")
            guard fields.count == 4, let pid = Int32(fields[2]), kill(pid, 0) != 0, errno == ESRCH else {
                continue
            }
            let path = directory + "/" + name
            if (try? release(scratch: path)) == nil {
                // Not registered any more (a half-made checkout): the directory and git's record
                // go. One that cannot be removed is not reported as removed; the next sweep retries.
                guard (try? FileManager.default.removeItem(atPath: path)) != nil else { continue }
                _ = try? runGit(["worktree", "prune"])
            }
            removed.append(name)
        }
        return removed
    }
}
