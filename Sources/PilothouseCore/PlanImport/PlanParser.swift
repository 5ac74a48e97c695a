import Foundation

/// Turns a Markdown improvement plan into the items a swarm should work on.
///
/// Plans arrive in many shapes (numbered findings under priority headings, phase roadmaps, task
/// lists, priority matrices); the parser reads structure and a small vocabulary rather than one
/// template. It is total: any string yields items or `[]`, in time roughly linear in its length.
public enum PlanParser {
    public static func parse(_ markdown: String) -> [PlanItem] {
        let lines = PlanLine.classify(markdown)
        guard !lines.isEmpty else { return [] }
        let outline = PlanOutline(lines: lines)
        var collector = PlanCollector(lines: lines, outline: outline)
        collector.collect()
        var drafts = collector.drafts
        merge(PlanTable.tables(in: lines), into: &drafts, outline: outline)
        let anchors = PlanAnchor.unique(drafts.map(\.anchorBase))
        return zip(drafts, anchors).map { draft, anchor in draft.resolved(anchor: anchor) }
    }

    /// Folds priority tables into the items they summarize; rows that summarize nothing become
    /// items themselves when the table carries a priority and a title.
    private static func merge(_ tables: [PlanTable], into drafts: inout [PlanDraft], outline: PlanOutline) {
        guard !tables.isEmpty else { return }
        let lookup = ReferenceLookup(drafts)
        for table in tables {
            let reference = table.column(.reference)
            let priorityColumn = table.column(.priority)
            let categoryColumn = table.column(.category)
            let filesColumn = table.column(.files)
            let titleColumn = table.titleColumn
            guard priorityColumn != nil || categoryColumn != nil || filesColumn != nil else { continue }
            let section = outline.sectionOfLine[table.firstLine]
            var newDrafts: [PlanDraft] = []
            for row in table.rows {
                let priority = priorityColumn.flatMap { PlanVocabulary.priority(value: row[$0]) }
                let category = categoryColumn.flatMap { PlanVocabulary.category(label: row[$0]) }
                let files = filesColumn.map { PlanText.paths(in: row[$0]) } ?? []
                let title = titleColumn.map { PlanText.shortTitle(PlanText.inline(row[$0])) } ?? ""
                let target =
                    reference.flatMap { PlanTable.reference(row[$0]) }.flatMap { lookup.byNumber($0) }
                    ?? lookup.byTitle(title)
                if let target {
                    if let priority { drafts[target].tablePriority = priority }
                    if let category { drafts[target].tableCategory = category }
                    drafts[target].tableFiles.append(contentsOf: files)
                    continue
                }
                guard let priority, isTitle(title), !isDone(row, table: table) else { continue }
                newDrafts.append(
                    rowDraft(
                        title: title, row: row, table: table, priority: priority, category: category,
                        files: files,
                        section: section, outline: outline))
            }
            drafts.append(contentsOf: newDrafts)
        }
    }

    private static func isTitle(_ title: String) -> Bool {
        title.contains(where: { $0.isLetter }) && PlanVocabulary.priority(value: title[...]) == nil
            || title.split(separator: " ").count > 1
    }

    private static func isDone(_ row: [Substring], table: PlanTable) -> Bool {
        if row.contains(where: { $0.contains("✅") }) { return true }
        guard let status = table.column(.status) else { return false }
        let value = row[status].lowercased()
        return ["done", "complete", "completed", "fixed", "resolved", "merged", "shipped"].contains {
            value.contains($0)
        }
    }

    private static func rowDraft(
        title: String, row: [Substring], table: PlanTable, priority: Priority, category: JobCategory?,
        files: [String], section: Int, outline: PlanOutline
    ) -> PlanDraft {
        // The other free-text columns ("Description", "Why") are the row's body.
        var details: [String] = []
        for (index, column) in table.columns.enumerated() where column == .text && index != table.titleColumn
        {
            let value = PlanText.trimmed(row[index])
            if !value.isEmpty { details.append("\(table.headers[index]): \(value)") }
        }
        let titles =
            section == 0 ? [] : [outline.sections[section].title] + outline.ancestorTitles(of: section)
        let phase = titles.first(where: PlanVocabulary.isPhase)
        return PlanDraft(
            title: title, number: nil, numberFromHeading: false,
            goal: details.isEmpty ? title : ([title] + details).joined(separator: "\n"), files: files,
            explicitPriority: priority, explicitCategory: category, contextPriority: nil,
            inFeatureSection: titles.contains(where: PlanVocabulary.isFeatureSection), contextTitles: titles,
            phase: phase, anchorBase: PlanAnchor.base(section: titles.first, item: title))
    }

    /// Finds the item a table row refers to. Heading numbers are trusted over list numbers, since
    /// every list restarts at 1; a number used twice refers to nothing.
    private struct ReferenceLookup {
        private var headingNumbers: [String: [Int]] = [:]
        private var listNumbers: [String: [Int]] = [:]
        private var titles: [String: [Int]] = [:]

        init(_ drafts: [PlanDraft]) {
            for (index, draft) in drafts.enumerated() {
                if let number = draft.number {
                    if draft.numberFromHeading {
                        headingNumbers[number, default: []].append(index)
                    } else {
                        listNumbers[number, default: []].append(index)
                    }
                }
                titles[PlanVocabulary.key(draft.title), default: []].append(index)
            }
        }

        func byNumber(_ number: String) -> Int? {
            if let found = headingNumbers[number] { return found.count == 1 ? found[0] : nil }
            if let found = listNumbers[number], found.count == 1 { return found[0] }
            return nil
        }

        func byTitle(_ title: String) -> Int? {
            let key = PlanVocabulary.key(title)
            guard !key.isEmpty, let found = titles[key], found.count == 1 else { return nil }
            return found[0]
        }
    }
}
