import Foundation

/// Walks the heading tree and decides, heading by heading, where the work items are.
///
/// The same Markdown means different things by position: a numbered heading under "P0 — Critical"
/// is an item whose bullets are its steps, while bullets under "Recommendations" are the items.
struct PlanCollector {
    private let lines: [PlanLine]
    private let outline: PlanOutline
    private(set) var drafts: [PlanDraft] = []

    private struct Context {
        /// Enclosing headings, nearest first.
        var titles: [String] = []
        var priority: Priority?
        var phase: String?
        /// True under a heading that announces work (a priority, phase or findings section).
        var actionable = false
        var features = false
    }

    /// Nested lists under a grouping bullet are followed this deep and no deeper.
    private static let groupingDepth = 2

    init(lines: [PlanLine], outline: PlanOutline) {
        self.lines = lines
        self.outline = outline
    }

    mutating func collect() {
        let root = outline.sections[0]
        let entries = PlanList.entries(in: root.bodyStart..<root.bodyEnd, of: lines)
        _ = emitTasksOrGroupedLists(entries, section: 0, context: Context())
        for child in root.children {
            visit(child, Context())
        }
    }

    private mutating func visit(_ index: Int, _ context: Context) {
        let section = outline.sections[index]
        let title = section.title
        if PlanVocabulary.isExcluded(title) || PlanVocabulary.isCompleted(title) { return }
        let isDocumentTitle = outline.documentTitleSection == index
        let numbered = PlanText.numbering(title).number != nil
        let isPhase = PlanVocabulary.isPhase(title)
        let isSection =
            !numbered && (PlanVocabulary.isSection(title) || PlanVocabulary.isPriorityHeading(title))

        var inner = context
        inner.titles.insert(title, at: 0)
        if let priority = PlanVocabulary.priority(inHeading: title) { inner.priority = priority }
        if isPhase { inner.phase = title }
        if PlanVocabulary.isFeatureSection(title) { inner.features = true }
        if !isDocumentTitle && (isSection || isPhase || PlanVocabulary.isPriorityHeading(title)) {
            inner.actionable = true
        }

        let children = section.children.filter { !PlanVocabulary.isDetail(outline.sections[$0].title) }
        let direct = section.bodyStart..<section.bodyEnd
        let entries = PlanList.entries(in: direct, of: lines)

        guard children.isEmpty else {
            if isSection || isPhase {
                emit(entries, section: index, context: inner, depth: 0)
            } else {
                _ = emitTasksOrGroupedLists(entries, section: index, context: inner)
            }
            for child in children { visit(child, inner) }
            return
        }

        let whole = section.bodyStart..<section.subtreeEnd
        if isSection {
            emit(entries, section: index, context: inner, depth: 0)
        } else if numbered && context.actionable {
            emitHeading(index, context: context, ownPhase: isPhase ? title : nil)
        } else if emitTasksOrGroupedLists(entries, section: index, context: inner) {
            return
        } else if hasMarkers(whole) {
            emitHeading(index, context: context, ownPhase: isPhase ? title : nil)
        } else if isPhase {
            let before = drafts.count
            emit(entries, section: index, context: inner, depth: 0)
            if drafts.count == before { emitHeading(index, context: context, ownPhase: title) }
        } else if context.actionable && !isDocumentTitle {
            emitHeading(index, context: context, ownPhase: nil)
        }
    }

    // MARK: - Headed items

    private mutating func emitHeading(_ index: Int, context: Context, ownPhase: String?) {
        let section = outline.sections[index]
        let (number, rest) = PlanText.numbering(section.title)
        let title = String(rest.prefix(PlanText.titleLimit))
        guard title.contains(where: { $0.isLetter || $0.isNumber }) else { return }
        let range = section.bodyStart..<section.subtreeEnd
        let fields = fields(in: range)
        let parentTitle = section.parent.flatMap { $0 == 0 ? nil : outline.sections[$0].title }
        drafts.append(
            PlanDraft(
                title: title, number: number, numberFromHeading: true, goal: bodyText(range),
                files: fields.files,
                explicitPriority: PlanVocabulary.explicitPriority(inTitle: title) ?? fields.priority,
                explicitCategory: fields.category, contextPriority: context.priority,
                inFeatureSection: context.features, contextTitles: context.titles,
                phase: ownPhase ?? context.phase,
                anchorBase: PlanAnchor.base(section: parentTitle, item: section.title)))
    }

    /// The heading's lines as the item's goal: trimmed, without the rules that separate items.
    private func bodyText(_ range: Range<Int>) -> String {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, lines[start].kind == .blank || lines[start].kind == .rule { start += 1 }
        while end > start, lines[end - 1].kind == .blank || lines[end - 1].kind == .rule { end -= 1 }
        return lines[start..<end].map { String($0.raw) }.joined(separator: "\n")
    }

    private func hasMarkers(_ range: Range<Int>) -> Bool {
        for index in range where lines[index].isStructural {
            if let label = PlanText.label(of: lines[index].content),
                PlanVocabulary.markerLabels.contains(label.name)
            {
                return true
            }
        }
        return false
    }

    // MARK: - Listed items

    /// Task lists are items wherever they appear; so are the bullets under a grouping bullet such
    /// as `- **Improvements**:`. Returns whether the list was one of those.
    private mutating func emitTasksOrGroupedLists(
        _ entries: [PlanListEntry], section: Int, context: Context
    ) -> Bool {
        var handled = false
        if entries.contains(where: { lines[$0.line].task != nil }) {
            emit(entries.filter { lines[$0.line].task != nil }, section: section, context: context, depth: 0)
            handled = true
        }
        for entry in entries where lines[entry.line].task == nil {
            guard let label = PlanText.label(of: lines[entry.line].content), label.value.isEmpty,
                PlanVocabulary.isSection(label.name)
            else { continue }
            let nested = PlanList.entries(in: (entry.line + 1)..<entry.end, of: lines)
            emit(nested, section: section, context: context, depth: 1)
            handled = true
        }
        return handled
    }

    private mutating func emit(_ entries: [PlanListEntry], section: Int, context: Context, depth: Int) {
        for entry in entries {
            let line = lines[entry.line]
            if line.task == .done { continue }
            if let label = PlanText.label(of: line.content) {
                // `- **Security**:` over nested bullets groups items; `- **Size**: 989 files` is a fact.
                if label.value.isEmpty, entry.end > entry.line + 1, depth < PlanCollector.groupingDepth {
                    let nested = PlanList.entries(in: (entry.line + 1)..<entry.end, of: lines)
                    emit(nested, section: section, context: context, depth: depth + 1)
                    continue
                }
                if PlanVocabulary.fieldLabels.contains(label.name) { continue }
                if label.bold && !label.name.contains(" ") { continue }
            }
            emitEntry(entry, section: section, context: context)
        }
    }

    private mutating func emitEntry(_ entry: PlanListEntry, section: Int, context: Context) {
        let line = lines[entry.line]
        let title = PlanText.shortTitle(PlanText.inline(firstParagraph(of: entry)))
        guard title.contains(where: { $0.isLetter || $0.isNumber }) else { return }
        let fields = fields(in: (entry.line + 1)..<entry.end)
        let sectionTitle = section == 0 ? nil : outline.sections[section].title
        drafts.append(
            PlanDraft(
                title: title, number: line.ordinal, numberFromHeading: false,
                goal: PlanList.text(of: entry, in: lines), files: fields.files,
                explicitPriority: PlanVocabulary.explicitPriority(inTitle: title) ?? fields.priority,
                explicitCategory: fields.category, contextPriority: context.priority,
                inFeatureSection: context.features, contextTitles: context.titles, phase: context.phase,
                anchorBase: PlanAnchor.base(section: sectionTitle, item: title)))
    }

    /// A hard-wrapped entry's first sentence spans lines; cutting it at the wrap would leave a
    /// fragment as the title. A line that starts a new sentence is body, so editing it keeps the anchor.
    private func firstParagraph(of entry: PlanListEntry) -> Substring {
        var text = lines[entry.line].content
        var index = entry.line + 1
        while index < entry.end, lines[index].kind == .text, text.count < PlanText.titleLimit * 2,
            let last = text.last, !".:!?".contains(last),
            let next = lines[index].content.first, next.isLowercase
        {
            text = Substring(text + " " + PlanText.trimmed(lines[index].content))
            index += 1
        }
        return text
    }

    // MARK: - Fields

    private struct Fields {
        var files: [String] = []
        var priority: Priority?
        var category: JobCategory?
    }

    /// `Priority:`, `Category:` and `Files:` fields of an item, including a bullet list of files
    /// under a bare `**Files**` label.
    private func fields(in range: Range<Int>) -> Fields {
        var fields = Fields()
        var fileBlockIndent: Int?
        var previousBlank = false
        for index in range {
            let line = lines[index]
            guard line.isStructural else { continue }
            if line.kind == .blank {
                previousBlank = true
                continue
            }
            defer { previousBlank = false }
            if let label = PlanText.label(of: line.content) {
                if PlanVocabulary.fileLabels.contains(label.name) {
                    fileBlockIndent = line.indent
                    fields.files.append(contentsOf: PlanText.paths(in: label.value))
                    continue
                }
                if label.name == "priority" || label.name == "severity", fields.priority == nil {
                    fields.priority = PlanVocabulary.priority(value: label.value)
                }
                if label.name == "category", fields.category == nil {
                    fields.category = PlanVocabulary.category(label: label.value)
                }
                if let blockIndent = fileBlockIndent, line.indent <= blockIndent {
                    fileBlockIndent = nil
                    continue
                }
            }
            guard let blockIndent = fileBlockIndent else { continue }
            if line.isHeading {
                fileBlockIndent = nil
            } else if line.indent > blockIndent || line.kind == .list {
                fields.files.append(contentsOf: PlanText.paths(in: line.content))
            } else if previousBlank || line.kind != .text {
                fileBlockIndent = nil
            } else {
                fields.files.append(contentsOf: PlanText.paths(in: line.content))
            }
        }
        fields.files = PlanDraft.deduplicated(fields.files)
        return fields
    }
}
