import Foundation

/// One top-level entry of a Markdown list, with the lines that belong to it.
struct PlanListEntry: Sendable {
    var line: Int
    /// Exclusive end: the entry's continuation lines and nested lists run up to here.
    var end: Int
}

/// Finds list entries in a run of lines.
///
/// Only the outermost entries are returned: nested bullets under an entry are its details, which
/// is how plans attach steps, files and notes to an item.
enum PlanList {
    static func entries(in range: Range<Int>, of lines: [PlanLine]) -> [PlanListEntry] {
        var base = Int.max
        for index in range where lines[index].kind == .list {
            base = min(base, lines[index].indent)
        }
        guard base != .max else { return [] }
        var result: [PlanListEntry] = []
        var open: Int?
        var previousBlank = false
        func close(at end: Int) {
            guard let start = open else { return }
            var last = end
            while last > start + 1, lines[last - 1].kind == .blank { last -= 1 }
            result.append(PlanListEntry(line: start, end: last))
            open = nil
        }
        for index in range {
            let line = lines[index]
            switch line.kind {
            case .list where line.indent <= base + 1:
                close(at: index)
                open = index
            case .heading, .rule:
                close(at: index)
            case .text, .table, .quote, .fence:
                // A paragraph back at the list's margin after a blank line ends the list.
                if line.indent <= base && previousBlank { close(at: index) }
            default:
                break
            }
            previousBlank = line.kind == .blank
        }
        close(at: range.upperBound)
        return result
    }

    /// The entry's text with its continuation lines dedented to the entry's own margin.
    static func text(of entry: PlanListEntry, in lines: [PlanLine]) -> String {
        let first = lines[entry.line]
        var output = [String(first.content)]
        for index in (entry.line + 1)..<max(entry.line + 1, entry.end) {
            output.append(dedent(lines[index].raw, by: first.contentIndent))
        }
        return PlanText.trimmed(output.joined(separator: "\n")[...]).description
    }

    static func dedent(_ raw: Substring, by width: Int) -> String {
        var removed = 0
        var index = raw.startIndex
        while index < raw.endIndex, removed < width {
            let character = raw[index]
            if character == " " {
                removed += 1
            } else if character == "\t" {
                removed += 4
            } else {
                break
            }
            index = raw.index(after: index)
        }
        return String(raw[index...])
    }
}
