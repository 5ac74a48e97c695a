import PilothouseCore

/// Evidence from the record's job, which the console asks the engine for when the record
/// opens (`JobDetail`): the patch with what a policy record names marked, and the failures of
/// the last attempts side by side.
extension QuarantineEvidence {
    /// Reasons whose record names files and lines of the patch.
    static let patchReasons: Set<QuarantineReason> = [.policyViolation, .secretDetected, .pathEscape]
    /// Reasons where what went wrong is in the attempts' failures.
    static let attemptReasons: Set<QuarantineReason> = [.maxAttempts, .stageFailed]
    /// Rows of the patch shown at most; the rest is counted.
    static let patchLineLimit = 2_000

    /// What a policy record's findings name: files (`  path…` lines of the payload) and
    /// added lines (`  path:LINE: +…`, as the secret scan reports them).
    struct Offenders: Hashable {
        var files: Set<String> = []
        var linesByFile: [String: Set<Int>] = [:]
    }

    static func offenders(in record: QuarantineRecord, patch: UnifiedDiff) -> Offenders {
        var result = Offenders()
        let findings = record.payload.split(separator: "\n").filter { $0.hasPrefix("  ") }.map {
            $0.dropFirst(2)
        }
        for file in patch.files {
            let path = file.path
            for finding in findings where finding.hasPrefix(path) {
                let rest = finding.dropFirst(path.count)
                guard rest.isEmpty || rest.hasPrefix(":") || rest.hasPrefix(" ") else { continue }
                result.files.insert(path)
                let number = rest.dropFirst().prefix { $0.isNumber }
                if rest.hasPrefix(":"), let line = Int(number),
                    rest.dropFirst(1 + number.count).hasPrefix(":")
                {
                    result.linesByFile[path, default: []].insert(line)
                }
            }
        }
        return result
    }

    /// The patch as rows, offending files' headers and offending added lines marked `▶`.
    static func markedPatch(_ patch: UnifiedDiff, for record: QuarantineRecord) -> [Line] {
        let offenders = offenders(in: record, patch: patch)
        var lines: [Line] = []
        var total = 0
        for file in patch.files {
            let offending = offenders.files.contains(file.path)
            total += 1
            if lines.count < patchLineLimit {
                lines.append(
                    Line(
                        text: (offending ? "▶ " : "  ") + "\(file.path) (\(changeLabel(file.change)))",
                        role: offending ? .error : .title))
            }
            let marked = offenders.linesByFile[file.path] ?? []
            for hunk in file.hunks {
                total += 1 + hunk.lines.count
                guard lines.count < patchLineLimit else { continue }
                lines.append(Line(text: "  " + hunk.header, role: .hunkHeader))
                var newLine = hunk.newStart
                for line in hunk.lines {
                    guard lines.count < patchLineLimit else { break }
                    switch line.kind {
                    case .added:
                        let hit = marked.contains(newLine)
                        lines.append(
                            Line(text: (hit ? "▶ +" : "  +") + line.text, role: hit ? .warn : .added))
                        newLine += 1
                    case .removed:
                        lines.append(Line(text: "  -" + line.text, role: .removed))
                    case .context:
                        lines.append(Line(text: "   " + line.text, role: .muted))
                        newLine += 1
                    case .noNewlineMarker:
                        lines.append(Line(text: "  \\ No newline at end of file", role: .muted))
                    }
                }
            }
        }
        if total > lines.count {
            lines.append(
                Line(text: "… \(total - lines.count) more rows (pilothouse jobs show)", role: .muted))
        }
        return lines
    }

    private static func changeLabel(_ change: FileChangeKind) -> String {
        switch change {
        case .added: "added"
        case .deleted: "deleted"
        case .modified: "modified"
        case .renamed: "renamed"
        case .copied: "copied"
        }
    }

    /// The failures of the last `count` attempts, oldest first: one column per attempt, each
    /// its failed stages' messages line by line.
    static func attemptColumns(_ history: [StageProgress], count: Int = 3) -> [(
        title: String, lines: [String]
    )] {
        let failed = history.filter { $0.status == .failed }
        let attempts = Array(Set(failed.map(\.attempt)).sorted().suffix(count))
        return attempts.map { attempt in
            let lines = failed.filter { $0.attempt == attempt }.flatMap { progress in
                ["✗ \(progress.stage.rawValue)"]
                    + progress.message.split(separator: "\n", omittingEmptySubsequences: false).map {
                        "  " + $0
                    }
            }
            return (title: "attempt \(attempt)", lines: lines)
        }
    }
}
