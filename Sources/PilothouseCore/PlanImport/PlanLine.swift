import Foundation

/// One physical line of a plan and the block role it plays.
///
/// Classifying every line once, fences first, means later passes never mistake a `#` comment or a
/// bullet inside a code sample for plan structure, and never have to re-scan text.
struct PlanLine: Sendable {
    enum Kind: Sendable, Equatable {
        case blank
        /// An opening or closing ``` / ~~~ line.
        case fence
        /// A line inside a fenced block.
        case code
        case quote
        case rule
        case table
        case text
        case list
        /// `level` 1...6 for ATX headings; 0 for a standalone bold line, which plans use as a
        /// heading and whose level the outline decides from the surrounding headings.
        case heading(level: Int)
    }

    enum Task: Sendable { case open, done }

    var raw: Substring
    var kind: Kind
    /// Leading whitespace width, tabs counting as four columns.
    var indent: Int
    /// A heading's text, or a list item's text after its marker and task box; else the trimmed line.
    var content: Substring
    /// The number of an ordered list item ("3" for `3.`), so summary tables can refer to it.
    var ordinal: String?
    var task: Task?
    /// Column where a list item's text starts, so its continuation lines can be dedented.
    var contentIndent: Int

    var isHeading: Bool {
        if case .heading = kind { return true }
        return false
    }

    /// Headings, bullets and labels only count outside code and quotes: quoted text in plans is
    /// usually a template or an example, not another copy of the work.
    var isStructural: Bool {
        switch kind {
        case .code, .fence, .quote: return false
        default: return true
        }
    }

    static func classify(_ text: String) -> [PlanLine] {
        var result: [PlanLine] = []
        var openFence: (marker: Character, count: Int)?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }) {
            let (indent, body) = splitIndent(raw)
            let rest = trimTrailing(body)
            var line = PlanLine(
                raw: raw, kind: .text, indent: indent, content: rest, ordinal: nil, task: nil,
                contentIndent: indent)
            if let fence = openFence {
                if let close = fenceMarker(rest), close.marker == fence.marker, close.count >= fence.count,
                    close.info.isEmpty
                {
                    openFence = nil
                    line.kind = .fence
                } else {
                    line.kind = .code
                }
                result.append(line)
                continue
            }
            if rest.isEmpty {
                line.kind = .blank
            } else if let fence = fenceMarker(rest), !(fence.marker == "`" && fence.info.contains("`")) {
                openFence = (fence.marker, fence.count)
                line.kind = .fence
            } else if rest.first == ">" {
                line.kind = .quote
            } else if indent < 4, let (level, title) = atxHeading(rest) {
                line.kind = .heading(level: level)
                line.content = title
            } else if isRule(rest) {
                line.kind = .rule
            } else if rest.first == "|" {
                line.kind = .table
            } else if let item = listItem(rest) {
                line.kind = .list
                line.content = item.content
                line.ordinal = item.ordinal
                line.task = item.task
                line.contentIndent = indent + item.markerWidth
            } else if indent == 0, let title = boldHeading(rest), followsBreak(result.last) {
                line.kind = .heading(level: 0)
                line.content = title
            }
            result.append(line)
        }
        return result
    }

    private static func splitIndent(_ raw: Substring) -> (Int, Substring) {
        var width = 0
        var index = raw.startIndex
        while index < raw.endIndex {
            let character = raw[index]
            if character == " " {
                width += 1
            } else if character == "\t" {
                width += 4
            } else {
                break
            }
            index = raw.index(after: index)
        }
        return (width, raw[index...])
    }

    private static func trimTrailing(_ text: Substring) -> Substring {
        var end = text.endIndex
        while end > text.startIndex {
            let previous = text.index(before: end)
            guard text[previous].isWhitespace else { break }
            end = previous
        }
        return text[..<end]
    }

    private static func fenceMarker(_ text: Substring) -> (marker: Character, count: Int, info: Substring)? {
        guard let first = text.first, first == "`" || first == "~" else { return nil }
        let run = text.prefix(while: { $0 == first })
        guard run.count >= 3 else { return nil }
        return (first, run.count, text[run.endIndex...].drop(while: { $0 == " " }))
    }

    private static func atxHeading(_ text: Substring) -> (Int, Substring)? {
        let hashes = text.prefix(while: { $0 == "#" })
        guard (1...6).contains(hashes.count) else { return nil }
        let after = text[hashes.endIndex...]
        guard after.isEmpty || after.first == " " || after.first == "\t" else { return nil }
        let title = trimTrailing(after.drop(while: { $0 == " " || $0 == "\t" }))
        // A closing run of #s is decoration, not part of the title.
        var runStart = title.endIndex
        while runStart > title.startIndex, title[title.index(before: runStart)] == "#" {
            runStart = title.index(before: runStart)
        }
        if runStart < title.endIndex,
            runStart == title.startIndex || title[title.index(before: runStart)] == " "
        {
            return (hashes.count, trimTrailing(title[..<runStart]))
        }
        return (hashes.count, title)
    }

    private static func isRule(_ text: Substring) -> Bool {
        guard let first = text.first, first == "-" || first == "*" || first == "_" else { return false }
        var count = 0
        for character in text {
            if character == first {
                count += 1
            } else if character != " " && character != "\t" {
                return false
            }
        }
        return count >= 3
    }

    private static func listItem(
        _ text: Substring
    ) -> (content: Substring, ordinal: String?, task: Task?, markerWidth: Int)? {
        var ordinal: String?
        var afterMarker: Substring
        if let first = text.first, first == "-" || first == "*" || first == "+" {
            afterMarker = text.dropFirst()
        } else {
            let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
            guard (1...9).contains(digits.count) else { return nil }
            let rest = text[digits.endIndex...]
            guard let delimiter = rest.first, delimiter == "." || delimiter == ")" else { return nil }
            ordinal = String(digits)
            afterMarker = rest.dropFirst()
        }
        guard afterMarker.isEmpty || afterMarker.first == " " || afterMarker.first == "\t" else { return nil }
        var content = afterMarker.drop(while: { $0 == " " || $0 == "\t" })
        let markerWidth = text.count - content.count
        var task: Task?
        if content.count >= 3, content.first == "[" {
            let box = content.prefix(3)
            if box == "[ ]" {
                task = .open
            } else if box == "[x]" || box == "[X]" {
                task = .done
            }
            if task != nil {
                let after = content.dropFirst(3)
                if after.isEmpty || after.first == " " {
                    content = after.drop(while: { $0 == " " })
                } else {
                    task = nil
                }
            }
        }
        return (content, ordinal, task, markerWidth)
    }

    /// `**1.1 Oversized modules**` alone on a line: audits use these as item headings.
    private static func boldHeading(_ text: Substring) -> Substring? {
        guard text.count >= 6, text.count <= 160, text.hasPrefix("**"), text.hasSuffix("**") else {
            return nil
        }
        let inner = text.dropFirst(2).dropLast(2)
        guard !inner.contains("**"), let last = inner.last, last != ":", !last.isWhitespace,
            let first = inner.first, !first.isWhitespace
        else { return nil }
        return inner
    }

    private static func followsBreak(_ previous: PlanLine?) -> Bool {
        guard let previous else { return true }
        switch previous.kind {
        case .blank, .rule, .heading: return true
        default: return false
        }
    }
}
