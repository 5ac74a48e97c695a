import Foundation

/// An item while the plan is still being read: evidence for its priority and category is kept
/// separately by source, because a later summary table may confirm or override what the item's
/// section implied.
struct PlanDraft: Sendable {
    var title: String
    /// What a summary table would call this item ("1", "f1", "1.1").
    var number: String?
    var numberFromHeading: Bool
    var goal: String
    var files: [String]
    var explicitPriority: Priority?
    var explicitCategory: JobCategory?
    var tablePriority: Priority?
    var tableCategory: JobCategory?
    var tableFiles: [String] = []
    var contextPriority: Priority?
    var inFeatureSection: Bool
    /// Enclosing headings, nearest first.
    var contextTitles: [String]
    var phase: String?
    var anchorBase: String

    /// Explicit markers beat a summary table, which beats what the enclosing section implies.
    func resolved(anchor: String) -> PlanItem {
        let priority = explicitPriority ?? tablePriority ?? contextPriority ?? .p2
        let category = explicitCategory ?? tableCategory ?? inferredCategory()
        var allFiles = files
        for file in tableFiles where !PlanDraft.covers(allFiles, file) { allFiles.append(file) }
        let goalText = goal.isEmpty ? title : goal
        return PlanItem(
            anchor: anchor, title: title, goal: goalText, priority: priority, category: category,
            files: PlanDraft.deduplicated(allFiles), phase: phase)
    }

    private func inferredCategory() -> JobCategory {
        // Suggestions filed under "Features" are features even when they mention webhooks or tests.
        if inFeatureSection { return .features }
        if let fromTitle = PlanVocabulary.inferCategory(title) { return fromTitle }
        for heading in contextTitles {
            if let fromHeading = PlanVocabulary.inferCategory(heading) { return fromHeading }
        }
        return PlanVocabulary.dominantCategory(goal) ?? .quality
    }

    /// A table's short `file_queue.py` or `docs/` names a file the item already lists in full.
    static func covers(_ files: [String], _ candidate: String) -> Bool {
        files.contains { file in
            file == candidate || file.hasSuffix("/" + candidate)
                || (candidate.hasSuffix("/") && file.hasPrefix(candidate))
        }
    }

    static func deduplicated(_ files: [String]) -> [String] {
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }
}
