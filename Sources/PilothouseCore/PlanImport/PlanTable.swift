import Foundation

/// A pipe table with a header row; plans use these as priority matrices over their items.
struct PlanTable: Sendable {
    enum Column: Sendable, Equatable { case reference, priority, category, files, status, meta, text }

    var columns: [Column]
    var headers: [String]
    var rows: [[Substring]]
    var firstLine: Int

    private static let referenceHeaders: Set<String> = [
        "#", "no", "no.", "nr", "id", "ref", "item", "number", "num", "item #", "#.", "n°",
    ]
    private static let priorityHeaders: Set<String> = ["priority", "prio", "severity", "urgency", "p"]
    private static let categoryHeaders: Set<String> = ["category", "categories", "type", "area", "kind"]
    private static let fileHeaders: Set<String> = [
        "file", "files", "file(s)", "path", "paths", "location", "module", "modules", "module(s)",
    ]
    private static let metaHeaders: Set<String> = [
        "effort", "owner", "estimate", "size", "risk", "phase", "impact", "complexity", "eta", "due",
        "assignee",
        "cost", "points", "risk level", "rollback difficulty", "estimated breakage", "effort estimate",
        "value",
        "dependencies", "depends on", "score", "confidence",
    ]

    func column(_ kind: Column) -> Int? { columns.firstIndex(of: kind) }

    /// The first free-text column: where a table that is itself the plan keeps its item titles.
    var titleColumn: Int? { columns.firstIndex(of: .text) }

    static func tables(in lines: [PlanLine]) -> [PlanTable] {
        var result: [PlanTable] = []
        var index = 0
        while index < lines.count {
            guard lines[index].kind == .table else {
                index += 1
                continue
            }
            let start = index
            while index < lines.count, lines[index].kind == .table { index += 1 }
            guard index - start >= 2, isSeparator(lines[start + 1].content) else { continue }
            let headers = cells(lines[start].content).map { PlanText.inline($0).lowercased() }
            let columns = headers.map(role(of:))
            var rows: [[Substring]] = []
            for rowIndex in (start + 2)..<index {
                var row = cells(lines[rowIndex].content)
                if row.count < headers.count {
                    row.append(contentsOf: Array(repeating: "", count: headers.count - row.count))
                }
                rows.append(row)
            }
            result.append(PlanTable(columns: columns, headers: headers, rows: rows, firstLine: start))
        }
        return result
    }

    private static func role(of header: String) -> Column {
        if referenceHeaders.contains(header) { return .reference }
        if priorityHeaders.contains(header) { return .priority }
        if categoryHeaders.contains(header) { return .category }
        if fileHeaders.contains(header) { return .files }
        if header == "status" || header == "state" || header == "done" { return .status }
        if header.isEmpty || metaHeaders.contains(header) { return .meta }
        return .text
    }

    static func cells(_ line: Substring) -> [Substring] {
        var text = PlanText.trimmed(line)
        if text.first == "|" { text = text.dropFirst() }
        if text.last == "|" { text = text.dropLast() }
        var cells: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        var escaped = false
        var inCode = false
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "`" {
                inCode.toggle()
            } else if character == "|" && !inCode {
                cells.append(PlanText.trimmed(text[start..<index]))
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        cells.append(PlanText.trimmed(text[start...]))
        return cells
    }

    private static func isSeparator(_ line: Substring) -> Bool {
        let cells = cells(line)
        return !cells.isEmpty
            && cells.allSatisfy { cell in
                !cell.isEmpty && cell.contains("-") && cell.allSatisfy { $0 == "-" || $0 == ":" || $0 == " " }
            }
    }

    /// The normalized item reference in a cell: "**F1**" → "f1", "#3" → "3".
    static func reference(_ cell: Substring) -> String? {
        let key = cell.lowercased().filter { !"*`# ".contains($0) }
        let trimmed = key.hasSuffix(".") ? String(key.dropLast()) : key
        return trimmed.isEmpty ? nil : trimmed
    }
}
