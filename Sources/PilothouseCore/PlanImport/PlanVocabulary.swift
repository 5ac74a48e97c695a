import Foundation

/// The words plans use for their structure.
///
/// Plans are written by people and models in many shapes; these lists encode the judgement of
/// which headings hold work, which only describe, and which labels are fields of an item.
enum PlanVocabulary {
    /// Headings that describe the plan or the codebase: never items, nor containers of items.
    private static let excludedExact: Set<String> = [
        "summary", "context", "mission", "evidence", "impact", "tests", "background", "purpose", "scope",
        "constraints", "architectural constraints", "non-goals", "goals", "notes", "references", "usage",
        "examples", "example", "legend", "metadata", "status", "contents", "toc", "tl;dr", "tldr",
        "prerequisites", "dependencies", "external dependencies", "overview", "introduction", "conclusion",
        "conclusions", "verdict", "strengths", "what works well", "what's good", "current state",
        "project structure", "directory structure", "file structure", "repository layout",
        "key design decisions", "design decisions", "testing strategy", "communication patterns",
        "open questions", "questions", "how to use", "how to use this document", "changelog", "history",
        "success criteria", "success metrics", "acceptance criteria", "assumptions", "assumptions made",
        "missing information", "risk assessment", "risks", "glossary", "appendix", "faq",
    ]
    private static let excludedPrefixes: [String] = [
        "executive summary", "summary ", "overview ", "architecture overview", "system overview",
        "codebase snapshot", "snapshot", "table of contents", "quick insert template", "ready-to-paste",
        "appendix", "glossary", "assumptions", "success criteria", "success metrics", "how to ",
    ]
    private static let excludedLastWords: Set<String> = [
        "summary", "overview", "snapshot", "template", "templates", "process", "procedure", "glossary",
        "verdict", "prompt",
    ]

    /// Sub-headings that are parts of an item ("#### Impact"), so an item keeps them in its body.
    private static let detailTitles: Set<String> = [
        "evidence", "impact", "fix", "proposed fix", "suggested fix", "solution", "proposed solution",
        "problem",
        "tests", "test plan", "testing", "files", "files to modify", "affected files", "implementation",
        "implementation notes", "notes", "rationale", "details", "acceptance criteria", "success criteria",
        "done when", "current behavior", "current behaviour", "expected behavior", "expected behaviour",
        "proposed", "risk", "risks", "effort", "steps", "example", "code", "why", "context", "background",
        "root cause", "motivation", "location", "references", "verification", "validation",
    ]

    /// Last words of headings whose list entries or sub-headings are the work items.
    private static let sectionNouns: Set<String> = [
        "recommendations", "findings", "issues", "tasks", "todo", "todos", "improvements", "suggestions",
        "fixes", "bugs", "backlog", "roadmap", "targets", "items", "proposals", "enhancements", "ideas",
        "opportunities", "work", "actions", "problems", "gaps", "concerns", "plan", "wins", "priorities",
        "checklist", "recommendation",
    ]
    private static let sectionPhrases: [String] = [
        "next steps", "action items", "critical path", "quick wins", "to do", "work items", "open issues",
        "known issues", "follow-ups", "follow ups",
    ]
    private static let phaseWords: Set<String> = [
        "phase", "milestone", "sprint", "iteration", "wave", "stage",
    ]

    /// Field labels whose presence in a heading's body marks that heading as an item.
    static let markerLabels: Set<String> = [
        "implement", "implementation", "fix", "proposed fix", "suggested fix", "files", "file", "tests",
        "test",
        "problem", "solution", "impact", "evidence", "goal", "priority", "severity", "category", "effort",
        "acceptance criteria", "success criteria", "done when", "recommendation", "action", "action items",
        "issue", "root cause", "why", "affected files", "files to modify",
    ]
    /// Labels that make a bullet a field or a statistic rather than an item of its own.
    static let fieldLabels: Set<String> = [
        "size", "architecture", "agents", "quality", "type coverage", "test coverage", "coverage", "good",
        "bad", "status", "current", "target", "expected", "complexity", "duration", "risk", "risk reduction",
        "precondition", "preconditions", "tradeoff", "trade-off", "goal", "location", "problem", "evidence",
        "impact", "fix", "files", "file", "tests", "test", "note", "notes", "owner", "effort", "priority",
        "category", "severity", "why", "context", "result", "outcome", "example", "done when",
        "success criteria", "acceptance criteria", "implement", "implementation", "completed", "remaining",
        "framework", "responsibilities", "class", "tool", "pattern", "format", "required", "content",
        "depends on", "dependencies", "estimate", "deliverable", "deliverables", "rationale", "details",
    ]
    static let fileLabels: Set<String> = [
        "file", "files", "affected files", "files to modify", "files to change", "file(s)", "paths", "path",
        "modules", "touches", "where",
    ]

    /// Lowercased title without its number, parentheticals or markup, for matching.
    static func key(_ title: String) -> String {
        let rest = PlanText.numbering(title).rest
        var output = ""
        var depth = 0
        for character in rest.lowercased() {
            if character == "(" {
                depth += 1
            } else if character == ")" {
                depth = max(0, depth - 1)
            } else if depth == 0, character != "*", character != "`", character != "_" {
                output.append(character == "&" ? " " : character)
            }
        }
        var key = PlanText.collapseSpaces(output)
        while let last = key.last, last == ":" || last == "." || last == " " { key.removeLast() }
        return key
    }

    static func isExcluded(_ title: String) -> Bool {
        let key = key(title)
        if key.isEmpty { return false }
        if excludedExact.contains(key) { return true }
        if excludedPrefixes.contains(where: { key.hasPrefix($0) }) { return true }
        // Judge the head noun only: "Reproducibility: seeds & config snapshot" is work, while
        // "Conversion process per file" describes how to do it.
        if let last = headNoun(title).last, excludedLastWords.contains(last) { return true }
        return false
    }

    /// Finished work stays in plans as a record; importing it would redo it.
    static func isCompleted(_ title: String) -> Bool {
        let lower = title.lowercased()
        if lower.contains("✅") || lower.contains("✔") || lower.contains("☑") { return true }
        let markers = [
            "(complete", "(done", "[done]", "(finished", "(implemented", "(resolved", "(fixed", "— done",
            "- done", "– done", "(shipped", "(merged",
        ]
        return markers.contains(where: { lower.contains($0) })
    }

    static func isDetail(_ title: String) -> Bool {
        detailTitles.contains(key(title))
    }

    /// The part of a heading that names what it holds: "Audit Findings by Area" → "audit findings".
    private static func headNoun(_ title: String) -> [String] {
        var key = key(title)
        for separator in [":", " — ", " – ", " - "] {
            if let range = key.range(of: separator) { key = String(key[..<range.lowerBound]) }
        }
        for connector in [" for ", " by ", " in ", " from ", " per ", " to be "] {
            if let range = key.range(of: connector) { key = String(key[..<range.lowerBound]) }
        }
        return PlanText.words(key)
    }

    /// A heading whose entries are the work items ("Recommendations", "Critical Issues").
    static func isSection(_ title: String) -> Bool {
        let words = headNoun(title)
        guard let last = words.last else { return false }
        if sectionNouns.contains(last) { return true }
        let joined = words.joined(separator: " ")
        return sectionPhrases.contains(where: {
            joined.hasSuffix($0.replacingOccurrences(of: "-", with: " "))
        })
    }

    static func isPhase(_ title: String) -> Bool {
        let words = PlanText.words(title)
        guard words.count >= 2, let first = words.first else { return false }
        return phaseWords.contains(first)
    }

    /// A heading that groups items by priority ("P0 — Critical", "High priority").
    static func isPriorityHeading(_ title: String) -> Bool {
        let words = PlanText.words(key(title))
        if words.contains(where: isPriorityToken) { return true }
        let levels: Set<String> = ["critical", "high", "medium", "low", "urgent", "blocker", "blockers"]
        if words.count == 1, let only = words.first, levels.contains(only) { return true }
        let hasLevel = words.contains(where: { levels.contains($0) })
        return hasLevel && (words.contains("priority") || words.contains("severity"))
    }

    /// Priority words anywhere in a heading apply to everything under it.
    static func priority(inHeading title: String) -> Priority? {
        let words = PlanText.words(title)
        if let token = words.first(where: isPriorityToken) { return Priority(label: token) }
        for (index, word) in words.enumerated() {
            // "High-level design" and "low-level API" speak of abstraction, not urgency.
            if index + 1 < words.count, words[index + 1] == "level" { continue }
            switch word {
            case "critical", "urgent", "blocker", "blockers", "blocking": return .p0
            case "high": return .p1
            case "medium", "moderate": return .p2
            case "low": return .p3
            default: continue
            }
        }
        return nil
    }

    /// Only an explicit `P0`…`P3` in an item's own title sets its priority: words like "High" in a
    /// title ("High memory use") describe the problem.
    static func explicitPriority(inTitle title: String) -> Priority? {
        PlanText.words(title).first(where: isPriorityToken).flatMap { Priority(label: $0) }
    }

    /// A priority cell or `Priority:` value: "P1", "High", "**Critical** (blocks CI)".
    static func priority(value: Substring) -> Priority? {
        let words = PlanText.words(String(value.prefix(80)))
        if let token = words.first(where: isPriorityToken) { return Priority(label: token) }
        for word in words.prefix(3) {
            if let priority = Priority(label: word), Int(word) == nil { return priority }
        }
        if words.count == 1, let only = words.first { return Priority(label: only) }
        return nil
    }

    private static func isPriorityToken(_ word: String) -> Bool {
        word.count == 2 && word.first == "p" && "0123".contains(word.last ?? "x")
    }

    private static let categorySynonyms: [String: JobCategory] = [
        "observability": .quality, "compatibility": .integration, "dx": .quality,
        "developer experience": .quality, "ux": .features, "usability": .features, "bug": .quality,
        "bugs": .quality, "bugfix": .quality, "infra": .integration, "infrastructure": .integration,
        "privacy": .compliance, "architecture": .quality, "tech debt": .quality, "debt": .quality,
        "features": .features, "new feature": .features, "optimization": .performance,
        "optimisation": .performance, "ci/cd": .integration, "devops": .integration,
    ]

    /// A category cell or `Category:` value, mapped onto the swarm's categories.
    static func category(label value: Substring) -> JobCategory? {
        let text = PlanText.collapseSpaces(
            PlanText.inline(value).lowercased().replacingOccurrences(of: "`", with: ""))
        if let direct = JobCategory(label: text) ?? categorySynonyms[text] { return direct }
        for word in PlanText.words(text) {
            if let match = JobCategory(label: word) ?? categorySynonyms[word] { return match }
        }
        return nil
    }

    private static let keywordCategories: [String: JobCategory] = {
        var map: [String: JobCategory] = [:]
        let groups: [(JobCategory, [String])] = [
            (
                .security,
                [
                    "security", "secure", "vulnerability", "vulnerabilities", "vuln", "secret", "secrets",
                    "auth",
                    "authentication", "authorization", "authorisation", "injection", "xss", "csrf", "sandbox",
                    "sandboxing", "permission", "permissions", "pii", "redaction", "redact", "encryption",
                    "encrypt",
                    "exploit", "cve", "hardening", "tls", "csp", "ssrf", "rce",
                ]
            ),
            (
                .compliance,
                [
                    "compliance", "compliant", "license", "licence", "licensing", "licenses", "licences",
                    "sbom",
                    "gdpr", "hipaa", "soc2", "provenance", "legal", "regulatory", "attestation",
                    "attestations",
                ]
            ),
            (
                .performance,
                [
                    "performance", "perf", "speed", "speedup", "latency", "throughput", "optimize",
                    "optimise",
                    "optimization", "optimisation", "faster", "slow", "benchmark", "benchmarks", "profiling",
                ]
            ),
            (
                .docs,
                [
                    "docs", "documentation", "document", "documented", "readme", "docstring", "docstrings",
                    "adr",
                    "adrs", "guide", "changelog", "tutorial", "onboarding",
                ]
            ),
            (
                .integration,
                [
                    "integration", "integrations", "ci", "cicd", "webhook", "webhooks", "interop", "github",
                    "gitlab", "slack", "compatibility", "infrastructure",
                ]
            ),
            (
                .quality,
                [
                    "test", "tests", "testing", "coverage", "lint", "linting", "refactor", "refactoring",
                    "quality",
                    "reliability", "correctness", "bug", "bugs", "typing", "cleanup", "maintainability",
                    "exception", "exceptions", "flaky", "observability", "decomposition",
                ]
            ),
            (.features, ["feature", "features", "enhancement", "enhancements", "capability"]),
        ]
        for (category, words) in groups {
            for word in words where map[word] == nil { map[word] = category }
        }
        return map
    }()

    /// The category the first telling word of a text points to, if any.
    static func inferCategory(_ text: String) -> JobCategory? {
        var previous = ""
        for word in PlanText.words(String(text.prefix(2000))) {
            defer { previous = word }
            // "Dependency injection" is a design pattern, not an attack.
            if word == "injection" && previous == "dependency" { continue }
            if let category = keywordCategories[word] { return category }
        }
        return nil
    }

    /// A body mentions many topics in passing; the one it mentions most is what the item is about.
    static func dominantCategory(_ text: String) -> JobCategory? {
        var counts: [JobCategory: Int] = [:]
        var first: [JobCategory: Int] = [:]
        var previous = ""
        for (position, word) in PlanText.words(String(text.prefix(8000))).enumerated() {
            defer { previous = word }
            if word == "injection" && previous == "dependency" { continue }
            guard let category = keywordCategories[word] else { continue }
            counts[category, default: 0] += 1
            if first[category] == nil { first[category] = position }
        }
        return counts.max { lhs, rhs in
            lhs.value != rhs.value
                ? lhs.value < rhs.value : first[lhs.key, default: 0] > first[rhs.key, default: 0]
        }?.key
    }

    static func isFeatureSection(_ title: String) -> Bool {
        PlanText.words(title).contains(where: {
            ["feature", "features", "enhancement", "enhancements"].contains($0)
        })
    }
}
