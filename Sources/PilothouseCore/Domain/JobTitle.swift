/// A title derived from a goal: its first line, cut at a word boundary, so a job enqueued
/// without a title still reads well in the queue.
public enum JobTitle {
    /// Looks at no more than `limit + 1` characters of the goal, however long it is.
    public static func from(goal: String, limit: Int = 72) -> String {
        var end = goal.startIndex
        var count = 0
        while end < goal.endIndex, !goal[end].isNewline, count <= limit {
            end = goal.index(after: end)
            count += 1
        }
        guard count > limit else { return String(goal[..<end]) }
        let cut = goal[..<end].prefix(limit)
        if let space = cut.lastIndex(of: " ") { return String(cut[..<space]) + "…" }
        return String(cut) + "…"
    }
}
