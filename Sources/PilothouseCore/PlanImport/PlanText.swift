import Foundation

/// Inline-text helpers shared by the plan passes.
///
/// Everything here looks at a bounded prefix or walks once, so a pathological line (megabytes of
/// `[` or `*`) costs linear time instead of stalling an import.
enum PlanText {
    /// Titles longer than this are cut; nothing longer is useful in a job list.
    static let titleLimit = 120
    private static let scanLimit = 600

    /// Plain text of a heading or bullet: links reduced to their text, `*` emphasis dropped,
    /// whitespace collapsed. Code spans stay verbatim (backticks included), because they carry the
    /// names an operator searches for and `__init__` must survive.
    static func inline(_ text: Substring) -> String {
        let source = Array(text.prefix(scanLimit))
        var output = ""
        var index = 0
        var inCode = false
        while index < source.count {
            let character = source[index]
            index += 1
            if character == "`" {
                inCode.toggle()
            } else if inCode {
                output.append(character.isWhitespace ? " " : character)
                continue
            } else if character == "*" || character == "[" {
                continue
            } else if character == "!" && index < source.count && source[index] == "[" {
                continue
            } else if character == "]" && index < source.count && source[index] == "(" {
                // Drop the link target, up to its ")".
                while index < source.count && source[index] != ")" { index += 1 }
                index += 1
                continue
            }
            output.append(character.isWhitespace ? " " : character)
        }
        return collapseSpaces(output)
    }

    static func collapseSpaces(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func trimmed(_ text: Substring) -> Substring {
        var start = text.startIndex
        while start < text.endIndex, text[start].isWhitespace { start = text.index(after: start) }
        var end = text.endIndex
        while end > start, text[text.index(before: end)].isWhitespace { end = text.index(before: end) }
        return text[start..<end]
    }

    /// Splits a leading item number ("1.", "1.1", "F1.", "3)") from a title; the number is what a
    /// summary table refers to, the rest is what an operator reads.
    static func numbering(_ title: String) -> (number: String?, rest: String) {
        let characters = Array(title.prefix(24))
        var index = 0
        var letters = 0
        while index < characters.count, characters[index].isASCII, characters[index].isLetter, letters < 2 {
            index += 1
            letters += 1
        }
        let digitsStart = index
        var sawDot = false
        while index < characters.count {
            let character = characters[index]
            if character.isASCII && character.isNumber {
                index += 1
            } else if character == ".", index + 1 < characters.count, characters[index + 1].isASCII,
                characters[index + 1].isNumber, index > digitsStart
            {
                sawDot = true
                index += 1
            } else {
                break
            }
        }
        guard index > digitsStart else { return (nil, title) }
        let number = String(characters[0..<index])
        // "P0 — Critical" is a priority, not an item number.
        if letters == 1, characters[0] == "P" || characters[0] == "p", !sawDot, index - digitsStart == 1 {
            return (nil, title)
        }
        var delimiterEnd = index
        if delimiterEnd < characters.count, [".", ")", ":"].contains(characters[delimiterEnd]) {
            delimiterEnd += 1
        } else if letters > 0 || !sawDot {
            // "2024 roadmap" or "v2 API" are words; only "3.1 Title" goes without a delimiter.
            return (nil, title)
        }
        guard delimiterEnd == characters.count || characters[delimiterEnd] == " " else { return (nil, title) }
        let rest = title.dropFirst(delimiterEnd).drop(while: { $0 == " " })
        return (number.lowercased(), String(rest))
    }

    struct Label {
        /// Lowercased, parentheticals removed: "Fix (short-term)" → "fix".
        var name: String
        var value: Substring
        var bold: Bool
    }

    /// `**Files:** a, b`, `**Files**`, `**Files**: a` or `Files: a` — the field syntax plans use.
    static func label(of content: Substring) -> Label? {
        let text = trimmed(content)
        if text.hasPrefix("**") {
            let inner = text.dropFirst(2)
            guard let close = inner.prefix(120).range(of: "**") else { return nil }
            var name = inner[..<close.lowerBound]
            var value = inner[close.upperBound...]
            if name.hasSuffix(":") {
                name = name.dropLast()
            } else if value.first == ":" {
                value = value.dropFirst()
            } else if !trimmed(value).isEmpty {
                return nil
            }
            let normalized = labelName(name)
            guard !normalized.isEmpty else { return nil }
            return Label(name: normalized, value: trimmed(value), bold: true)
        }
        guard let colon = text.prefix(40).firstIndex(of: ":") else { return nil }
        let name = text[..<colon]
        let value = text[text.index(after: colon)...]
        guard value.isEmpty || value.first == " ",
            name.allSatisfy({ $0.isLetter || " -()&/".contains($0) }),
            name.split(separator: " ").count <= 4
        else { return nil }
        let normalized = labelName(name)
        guard !normalized.isEmpty else { return nil }
        return Label(name: normalized, value: trimmed(value), bold: false)
    }

    static func labelName(_ name: Substring) -> String {
        var output = ""
        var depth = 0
        for character in name.lowercased() {
            if character == "(" {
                depth += 1
            } else if character == ")" {
                depth = max(0, depth - 1)
            } else if depth == 0, character != "*", character != "`" {
                output.append(character)
            }
        }
        return collapseSpaces(output)
    }

    /// File paths named in a line: backticked spans when there are any (prose around them is not a
    /// path), otherwise the comma- or space-separated words that look like paths.
    static func paths(in text: Substring) -> [String] {
        var candidates: [Substring] = []
        if text.contains("`") {
            let parts = text.split(separator: "`", omittingEmptySubsequences: false)
            for (index, part) in parts.enumerated() where index % 2 == 1 && index < parts.count - 1 {
                candidates.append(part)
            }
            return candidates.compactMap { normalizedPath($0, strict: false) }
        }
        for word in text.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" }) {
            candidates.append(word)
        }
        return candidates.compactMap { normalizedPath($0, strict: true) }
    }

    private static func normalizedPath(_ raw: Substring, strict: Bool) -> String? {
        var path = trimmed(raw)
        path = path.drop(while: { "([\"'".contains($0) })
        while let last = path.last, ".,;:)]\"'".contains(last), path.count > 1 { path = path.dropLast() }
        if let range = path.range(of: "::") { path = path[..<range.lowerBound] }
        if let hash = path.firstIndex(of: "#"), hash > path.startIndex { path = path[..<hash] }
        // `file.py:19-32` names lines of a file; the job is about the file.
        if let colon = path.lastIndex(of: ":") {
            let suffix = path[path.index(after: colon)...]
            if !suffix.isEmpty, suffix.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "," }) {
                path = path[..<colon]
            }
        }
        guard !path.isEmpty, path.count <= 300, !path.hasPrefix("-"), !path.lowercased().hasPrefix("http"),
            !path.contains(where: { $0.isWhitespace || "(){}=<>\"'|$".contains($0) })
        else { return nil }
        if path.contains("/") {
            return path.contains(where: { $0.isLetter || $0.isNumber }) ? String(path) : nil
        }
        guard let dot = path.lastIndex(of: "."), dot > path.startIndex else { return nil }
        let stem = path[..<dot]
        let ext = path[path.index(after: dot)...]
        guard (1...6).contains(ext.count), ext.allSatisfy({ $0.isLetter || $0.isNumber }),
            ext.contains(where: { $0.isLetter }), !stem.contains(".") || !strict
        else { return nil }
        if strict && stem.count < 2 { return nil }
        return String(path)
    }

    /// Lowercased words, for keyword matching.
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// A list item's first line as a title: long sentences are cut at their first clause so the
    /// job list stays readable; the whole text remains in the goal.
    static func shortTitle(_ text: String) -> String {
        var title = text
        if title.count > titleLimit {
            let head = String(title.prefix(titleLimit))
            if let colon = head.range(of: ": "),
                head.distance(from: head.startIndex, to: colon.lowerBound) >= 12
            {
                title = String(head[..<colon.lowerBound])
            } else if let stop = head.range(of: ". "),
                head.distance(from: head.startIndex, to: stop.lowerBound) >= 12
            {
                title = String(head[..<stop.lowerBound])
            } else {
                let cut = head.prefix(100)
                if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > 40 {
                    title = String(cut[..<space]) + "…"
                } else {
                    title = String(cut) + "…"
                }
            }
        }
        while let last = title.last, last == ":" || last == "." || last == " " { title.removeLast() }
        return title
    }
}
