import Foundation

/// The heading tree of a plan.
///
/// Whether a heading is an item, a container of items or commentary depends on its neighbours
/// (its parent, whether it has sub-headings), so the parser needs the tree, not a flat stream.
struct PlanOutline: Sendable {
    struct Section: Sendable {
        /// Heading text with inline markup removed; empty for the document root.
        var title: String
        var level: Int
        var headingLine: Int?
        /// Lines owned directly by this heading, up to the next heading of any level.
        var bodyStart: Int
        var bodyEnd: Int
        /// End of this heading's whole subtree.
        var subtreeEnd: Int
        var parent: Int?
        var children: [Int] = []
    }

    /// Index 0 is the root: the lines before the first heading.
    private(set) var sections: [Section]
    private(set) var sectionOfLine: [Int]

    init(lines: [PlanLine]) {
        let count = lines.count
        sections = [
            Section(
                title: "", level: 0, headingLine: nil, bodyStart: 0, bodyEnd: count, subtreeEnd: count,
                parent: nil)
        ]
        sectionOfLine = Array(repeating: 0, count: count)
        var stack = [0]
        var current = 0
        var lastRealLevel = 0
        for (index, line) in lines.enumerated() {
            guard case .heading(let declared) = line.kind else {
                sectionOfLine[index] = current
                continue
            }
            // A bold pseudo-heading nests under the last real heading; consecutive ones are siblings.
            let level: Int
            if declared == 0 {
                level = lastRealLevel + 1
            } else {
                level = declared
                lastRealLevel = declared
            }
            sections[current].bodyEnd = index
            while let top = stack.last, top != 0, sections[top].level >= level {
                sections[top].subtreeEnd = index
                stack.removeLast()
            }
            let parent = stack.last ?? 0
            let section = Section(
                title: PlanText.inline(line.content), level: level, headingLine: index,
                bodyStart: index + 1, bodyEnd: count, subtreeEnd: count, parent: parent)
            sections.append(section)
            let newIndex = sections.count - 1
            sections[parent].children.append(newIndex)
            stack.append(newIndex)
            current = newIndex
            sectionOfLine[index] = newIndex
        }
    }

    /// Titles of the enclosing headings, nearest first, excluding the section itself.
    func ancestorTitles(of index: Int) -> [String] {
        var titles: [String] = []
        var next = sections[index].parent
        while let current = next, current != 0 {
            titles.append(sections[current].title)
            next = sections[current].parent
        }
        return titles
    }

    /// The single level-1 heading that wraps the whole document names the document; it says
    /// nothing about whether the headings below it are work items.
    var documentTitleSection: Int? {
        let roots = sections[0].children
        guard roots.count == 1, let only = roots.first, sections[only].level == 1 else { return nil }
        return only
    }
}
