/// The edits a model proposed, in whichever of the two accepted formats it used.
public enum ModelEdits: Hashable, Sendable {
    case blocks([EditBlock])
    /// A unified diff exactly as the model wrote it (from a ```diff fence or bare).
    case unifiedDiff([UInt8])

    /// Reads a model answer. Total on any input: every outcome is a value or an
    /// `EditParseError` naming a line, so a confused model can be told exactly where it went
    /// wrong.
    ///
    /// Search/replace blocks win when present; otherwise a ```diff (or ```patch) fence, and
    /// finally a bare diff starting with `diff --git` or `--- `.
    public static func parse(_ text: String) throws(EditParseError) -> ModelEdits {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.last == "\r" ? String(line.dropLast()) : String(line)
        }
        if lines.contains(where: { Marker(line: $0) != nil }) {
            return .blocks(try parseBlocks(lines))
        }
        if let diff = try fencedDiff(lines) { return .unifiedDiff(diff) }
        if let start = lines.firstIndex(where: { $0.hasPrefix("diff --git ") || $0.hasPrefix("--- ") }) {
            let body = lines[start...].joined(separator: "\n")
            return .unifiedDiff(Array((body.hasSuffix("\n") ? body : body + "\n").utf8))
        }
        throw .noEdits
    }

    private enum Marker: Equatable {
        case search, divider, replace

        /// Models vary the marker length a little; 5 to 9 characters are accepted.
        init?(line: String) {
            let trimmed = line.trimmingTrailingSpaces
            func run(_ character: Character, then word: String) -> Bool {
                let prefix = trimmed.prefix { $0 == character }
                guard (5...9).contains(prefix.count) else { return false }
                let rest = trimmed.dropFirst(prefix.count)
                return word.isEmpty ? rest.isEmpty : rest.trimmingLeadingSpaces == word
            }
            if run("<", then: "SEARCH") {
                self = .search
            } else if run("=", then: "") {
                self = .divider
            } else if run(">", then: "REPLACE") {
                self = .replace
            } else {
                return nil
            }
        }
    }

    private static func parseBlocks(_ lines: [String]) throws(EditParseError) -> [EditBlock] {
        var blocks: [EditBlock] = []
        var index = 0
        while index < lines.count {
            let marker = Marker(line: lines[index])
            switch marker {
            case nil:
                index += 1
                continue
            case .divider?, .replace?:
                throw .unexpectedMarker(line: index + 1, marker: lines[index].trimmingTrailingSpaces)
            case .search?:
                break
            }
            let searchLine = index + 1
            guard let path = pathBefore(index, in: lines) ?? blocks.last?.path else {
                throw .missingPath(line: searchLine)
            }
            var search: [String] = []
            var replace: [String] = []
            index += 1
            while index < lines.count, Marker(line: lines[index]) != .divider {
                if Marker(line: lines[index]) != nil {
                    throw .unexpectedMarker(line: index + 1, marker: lines[index].trimmingTrailingSpaces)
                }
                search.append(lines[index])
                index += 1
            }
            guard index < lines.count else { throw .missingDivider(searchLine: searchLine) }
            index += 1
            while index < lines.count, Marker(line: lines[index]) != .replace {
                if Marker(line: lines[index]) != nil {
                    throw .unexpectedMarker(line: index + 1, marker: lines[index].trimmingTrailingSpaces)
                }
                replace.append(lines[index])
                index += 1
            }
            guard index < lines.count else { throw .missingReplace(searchLine: searchLine) }
            index += 1
            blocks.append(
                EditBlock(path: path, search: joined(search), replace: joined(replace), line: searchLine))
        }
        return blocks
    }

    private static func joined(_ lines: [String]) -> String {
        lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// The file name a block belongs to: the nearest non-empty line above its SEARCH marker,
    /// skipping an opening code fence, stripped of the decorations models add (`**`, backticks,
    /// a trailing colon, a `File:` label).
    private static func pathBefore(_ index: Int, in lines: [String]) -> String? {
        var cursor = index - 1
        while cursor >= 0 {
            let line = lines[cursor].trimmingTrailingSpaces.trimmingLeadingSpaces
            if line.isEmpty || line.hasPrefix("```") {
                cursor -= 1
                continue
            }
            if Marker(line: line) != nil { return nil }
            var name = Substring(line)
            for label in ["File:", "file:", "Path:", "path:", "#"] where name.hasPrefix(label) {
                name = name.dropFirst(label.count)
            }
            name = Substring(String(name).trimmingLeadingSpaces)
            while let first = name.first, first == "`" || first == "*" || first == "\"" {
                name = name.dropFirst()
            }
            while let last = name.last, last == "`" || last == "*" || last == ":" || last == "\"" {
                name = name.dropLast()
            }
            let path = String(name)
            // A sentence is not a path: models sometimes put prose right above a block.
            guard !path.isEmpty, !path.contains(" ") else { return nil }
            return path
        }
        return nil
    }

    private static func fencedDiff(_ lines: [String]) throws(EditParseError) -> [UInt8]? {
        guard
            let open = lines.firstIndex(where: {
                let fence = $0.trimmingTrailingSpaces
                return fence == "```diff" || fence == "```patch" || fence == "```udiff"
            })
        else { return nil }
        var body: [String] = []
        var index = open + 1
        while index < lines.count, lines[index].trimmingTrailingSpaces != "```" {
            body.append(lines[index])
            index += 1
        }
        guard index < lines.count else { throw .unterminatedFence(line: open + 1) }
        guard body.contains(where: { !$0.isEmpty }) else { throw .emptyDiff(line: open + 1) }
        return Array(joined(body).utf8)
    }
}

/// Why a model answer holds no usable edits; the line is 1-based in the answer.
public enum EditParseError: Error, Hashable, Sendable, CustomStringConvertible {
    case noEdits
    case missingPath(line: Int)
    case missingDivider(searchLine: Int)
    case missingReplace(searchLine: Int)
    case unexpectedMarker(line: Int, marker: String)
    case unterminatedFence(line: Int)
    case emptyDiff(line: Int)

    public var line: Int {
        switch self {
        case .noEdits: 1
        case .missingPath(let line), .missingDivider(let line), .missingReplace(let line),
            .unexpectedMarker(let line, _), .unterminatedFence(let line), .emptyDiff(let line):
            line
        }
    }

    public var description: String {
        switch self {
        case .noEdits:
            "the answer holds no SEARCH/REPLACE blocks and no ```diff fence; answer with edits in one of those formats"
        case .missingPath(let line):
            "line \(line): SEARCH block without a file path; put the path alone on the line above it"
        case .missingDivider(let line):
            "line \(line): SEARCH block has no ======= divider"
        case .missingReplace(let line):
            "line \(line): SEARCH block has no >>>>>>> REPLACE end marker"
        case .unexpectedMarker(let line, let marker):
            "line \(line): '\(marker)' is out of place; each block is SEARCH, =======, REPLACE in that order"
        case .unterminatedFence(let line):
            "line \(line): the ```diff fence is never closed"
        case .emptyDiff(let line):
            "line \(line): the ```diff fence is empty"
        }
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var view = Substring(self)
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }

    fileprivate var trimmingLeadingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" })
    }
}

extension Substring {
    fileprivate var trimmingLeadingSpaces: Substring { drop { $0 == " " || $0 == "\t" } }
}
