/// A title derived from a goal: its first line, cut at a word boundary, so a job enqueued
/// without a title still reads well in the queue.
public enum JobTitle {
    public static func from(goal: String, limit: Int = 72) -> String {
        let firstLine = goal.split(whereSeparator: \.isNewline).first.map(String.init) ?? goal
        guard firstLine.count > limit else { return firstLine }
        let cut = firstLine.prefix(limit)
        if let space = cut.lastIndex(of: " ") { return String(cut[..<space]) + "…" }
        return String(cut) + "…"
    }
}
