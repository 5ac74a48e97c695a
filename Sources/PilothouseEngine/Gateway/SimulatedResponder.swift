import Foundation
import PilothouseCore

/// The simulated model's answers: plausible, deterministic text in the format each stage role
/// expects, built only from what the prompt contains, so the whole pipeline runs offline.
public struct SimulatedResponder: Sendable {
    public init() {}

    /// A file the prompt shows as `=== FILE: path ===\n<content>\n=== END FILE ===`.
    public struct ShownFile: Sendable, Equatable {
        public var path: String
        public var content: String
    }

    /// A ``Fix: replace `OLD` with `NEW` in path`` line of the goal.
    public struct ScriptedFix: Sendable, Equatable {
        public var old: String
        public var new: String
        public var path: String
    }

    public func respond(to request: ModelRequest, random: inout SplitMix64) -> String {
        let prompt = request.messages.filter { $0.role != .assistant }.map(\.content).joined(separator: "\n")
        let files = Self.shownFiles(in: prompt)
        let goal = Self.goal(of: request)
        switch request.role.lowercased() {
        case "analyst", "analyze", "analysis":
            return analysis(goal: goal, files: files, random: &random)
        case "planner", "plan":
            return plan(goal: goal, files: files, random: &random)
        case "implementer", "implement", "coder", "test_writer", "doc_writer":
            return edits(goal: goal, prompt: prompt, files: files)
        case "reviewer", "review":
            return review(goal: goal, random: &random)
        default:
            return "Acknowledged: \(Self.firstLine(goal))."
        }
    }

    /// Text in none of the expected formats, for "malformed output" injection.
    public static let malformedText = "I am not sure what you mean. ~~~ [[unterminated"

    // MARK: - Roles

    private func analysis(goal: String, files: [ShownFile], random: inout SplitMix64) -> String {
        let fileList =
            files.isEmpty ? "- (no files were shown)" : files.map { "- `\($0.path)`" }.joined(separator: "\n")
        let risks = [
            "behaviour changes for existing callers", "missing tests around the change", "error paths",
        ]
        let risk = risks[Int(random.next() % UInt64(risks.count))]
        return """
            ## Analysis

            **Goal:** \(Self.firstLine(goal))

            Relevant files:
            \(fileList)

            The change is local; the main risk is \(risk). A minimal, reviewable edit is enough.
            """
    }

    private func plan(goal: String, files: [ShownFile], random: inout SplitMix64) -> String {
        let target = files.first?.path ?? "the affected file"
        let extra = random.next() % 2 == 0 ? "4. Keep the public interface unchanged.\n" : ""
        return """
            ## Plan

            1. Read `\(target)` and locate the code the goal refers to: \(Self.firstLine(goal)).
            2. Make the smallest edit in `\(target)` that achieves it.
            3. Run the tests and check nothing else changed.
            \(extra)
            """
    }

    private func edits(goal: String, prompt: String, files: [ShownFile]) -> String {
        let fixes = Self.scriptedFixes(in: goal)
        if !fixes.isEmpty {
            return fixes.map { fix in
                if let file = files.first(where: { $0.path == fix.path }),
                    let edit = Self.uniqueEdit(of: fix, in: file.content)
                {
                    return Self.block(path: fix.path, search: edit.search, replace: edit.replace)
                }
                return Self.block(path: fix.path, search: fix.old, replace: fix.new)
            }.joined(separator: "\n\n")
        }
        let title = Self.title(in: prompt) ?? Self.firstLine(goal)
        guard let file = files.first else {
            return Self.block(path: "PILOTHOUSE_NOTES.md", search: "", replace: "- \(title)")
        }
        let comment = Self.comment(title, path: file.path)
        let lines = file.content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Anchor on the first non-blank line that occurs once, so the edit applies exactly.
        guard
            let anchor = lines.first(where: { line in
                !line.trimmingCharacters(in: .whitespaces).isEmpty && lines.filter { $0 == line }.count == 1
            })
        else {
            return Self.block(path: file.path, search: "", replace: comment)
        }
        return Self.block(path: file.path, search: anchor, replace: anchor + "\n" + comment)
    }

    private func review(goal: String, random: inout SplitMix64) -> String {
        let correctness = 6 + Int(random.next() % 4)
        let safety = 7 + Int(random.next() % 3)
        let style = 6 + Int(random.next() % 4)
        let overall = (correctness + safety + style + 1) / 3
        let summary = "The edit addresses: \(Self.firstLine(goal)). Small and focused."
        let object: [String: Any] = [
            "overall": overall,
            "dimensions": ["correctness": correctness, "safety": safety, "style": style],
            "summary": summary,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return "{\"overall\": \(overall)}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whole lines around the first line containing `fix.old`, widened until they occur only
    /// once in the file, so the applier finds exactly one place to edit.
    static func uniqueEdit(of fix: ScriptedFix, in content: String) -> (search: String, replace: String)? {
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let index = lines.firstIndex(where: { $0.contains(fix.old) }) else { return nil }
        var start = index
        var end = index
        func window() -> String { lines[start...end].joined(separator: "\n") }
        while occurrences(of: window(), in: content) > 1 && (start > 0 || end < lines.count - 1) {
            if start > 0 { start -= 1 } else { end += 1 }
        }
        var replaced = Array(lines[start...end])
        replaced[index - start] = lines[index].replacingOccurrences(of: fix.old, with: fix.new)
        return (window(), replaced.joined(separator: "\n"))
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        guard !needle.isEmpty else { return 0 }
        var count = 0
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: needle, range: searchRange) {
            count += 1
            searchRange = found.upperBound..<text.endIndex
        }
        return count
    }

    // MARK: - Prompt reading

    public static func block(path: String, search: String, replace: String) -> String {
        let searchPart = search.isEmpty ? "" : search + "\n"
        return "\(path)\n<<<<<<< SEARCH\n\(searchPart)=======\n\(replace)\n>>>>>>> REPLACE"
    }

    public static func shownFiles(in prompt: String) -> [ShownFile] {
        var files: [ShownFile] = []
        var current: (path: String, lines: [Substring])?
        for line in prompt.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.hasPrefix("=== FILE: "), line.hasSuffix(" ===") {
                let path = line.dropFirst("=== FILE: ".count).dropLast(" ===".count)
                current = (String(path).trimmingCharacters(in: .whitespaces), [])
            } else if let open = current, line == "=== END FILE ===" {
                files.append(ShownFile(path: open.path, content: open.lines.joined(separator: "\n")))
                current = nil
            } else if current != nil {
                current!.lines.append(line)
            }
        }
        return files
    }

    public static func scriptedFixes(in goal: String) -> [ScriptedFix] {
        var fixes: [ScriptedFix] = []
        for raw in goal.split(separator: "\n") {
            var line = Substring(raw.trimmingCharacters(in: .whitespaces))
            for bullet in ["- ", "* "] where line.hasPrefix(bullet) { line = line.dropFirst(bullet.count) }
            guard line.hasPrefix("Fix: replace `") else { continue }
            let rest = line.dropFirst("Fix: replace `".count)
            guard let oldEnd = rest.firstIndex(of: "`") else { continue }
            let old = rest[..<oldEnd]
            let afterOld = rest[rest.index(after: oldEnd)...]
            guard afterOld.hasPrefix(" with `") else { continue }
            let newStart = afterOld.dropFirst(" with `".count)
            guard let newEnd = newStart.firstIndex(of: "`") else { continue }
            let new = newStart[..<newEnd]
            let tail = newStart[newStart.index(after: newEnd)...]
            guard tail.hasPrefix(" in ") else { continue }
            var path = tail.dropFirst(" in ".count).trimmingCharacters(in: .whitespaces)
            if path.hasPrefix("`") && path.hasSuffix("`") && path.count >= 2 {
                path = String(path.dropFirst().dropLast())
            }
            if path.hasSuffix(".") { path.removeLast() }
            guard !old.isEmpty, !path.isEmpty else { continue }
            // The prompt shows the title above the goal, and a title derived from the goal
            // repeats its first line: the same fix must not become a second, failing edit.
            let fix = ScriptedFix(old: String(old), new: String(new), path: path)
            if !fixes.contains(fix) { fixes.append(fix) }
        }
        return fixes
    }

    /// The job's goal: the last user message, where stages put the task.
    static func goal(of request: ModelRequest) -> String {
        let user = request.messages.last { $0.role == .user }?.content ?? ""
        let withoutFiles = user.split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var inFile = false
        for line in withoutFiles {
            if line.hasPrefix("=== FILE: ") { inFile = true }
            let isTitle = ["Title:", "title:", "Job:"].contains { line.hasPrefix($0) }
            if !inFile && !isTitle { kept.append(line) }
            if line == "=== END FILE ===" { inFile = false }
        }
        // Stage prompts put the goal under a `Goal:` header followed by other sections;
        // take just that section when it is there.
        let isGoalHeader = { (line: Substring) in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("Goal:") || trimmed == "# Goal"
        }
        if let start = kept.firstIndex(where: isGoalHeader) {
            let stops = [
                "Analysis:", "Relevant files:", "Files named:", "Patch:", "Describe ",
                "The operator rejected", "# ",
            ]
            var section: [Substring] = []
            let header = kept[start].trimmingCharacters(in: .whitespaces)
            let first = header == "# Goal" ? "" : header.dropFirst("Goal:".count)
            if !first.trimmingCharacters(in: .whitespaces).isEmpty { section.append(Substring(first)) }
            for line in kept[(start + 1)...] {
                if stops.contains(where: { line.hasPrefix($0) }) { break }
                section.append(line)
            }
            let text = section.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { return text }
        }
        return kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func title(in prompt: String) -> String? {
        for line in prompt.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            for prefix in ["Title:", "title:", "Job:"] where trimmed.hasPrefix(prefix) {
                let value = trimmed.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return value }
            }
        }
        return nil
    }

    static func firstLine(_ text: String) -> String {
        let line =
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
            ?? "the requested change"
        return line.count > 100 ? String(line.prefix(97)) + "..." : line
    }

    static func comment(_ text: String, path: String) -> String {
        let ext = (path as NSString).pathExtension.lowercased()
        let clean = text.replacingOccurrences(of: "\n", with: " ")
        switch ext {
        case "py", "sh", "rb", "toml", "yaml", "yml", "pl", "r", "cfg", "conf", "mk", "txt":
            return "# \(clean)"
        case "md", "html", "xml", "htm": return "<!-- \(clean) -->"
        case "sql", "lua", "hs": return "-- \(clean)"
        case "css": return "/* \(clean) */"
        default: return "// \(clean)"
        }
    }
}
