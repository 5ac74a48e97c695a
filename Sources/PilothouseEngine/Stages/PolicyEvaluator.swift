import PilothouseCore

/// Judges a patch against `[policy]`: paths, secrets, forbidden globs and size.
///
/// Every finding keeps the offending lines, already redacted, because a quarantine record is
/// only useful if the operator can see what was refused without the secret being stored again.
public struct PolicyEvaluator: Sendable {
    public var policy: PolicySection
    public var redactor: Redactor

    public init(policy: PolicySection, redactor: Redactor) {
        self.policy = policy
        self.redactor = redactor
    }

    public struct Violation: Sendable, Equatable {
        public var reason: QuarantineReason
        public var message: String
        /// `path:line: text` lines, redacted.
        public var lines: [String]
    }

    /// All violations, most serious first (path escapes, then secrets, then the rest).
    /// `worktree`, when given, is also checked for symlinked ancestors of each path.
    public func violations(in diff: UnifiedDiff, worktree: String? = nil) -> [Violation] {
        var escapes: [Violation] = []
        var secrets: [Violation] = []
        var rules: [Violation] = []
        let globs = policy.forbiddenGlobs.map(Glob.init)
        for file in diff.files {
            for path in Set([file.oldPath, file.newPath].compactMap { $0 }).sorted() {
                do {
                    let normalized = try PathRules.validate(relativePath: path)
                    if let worktree { try PathGuard(root: worktree).validate(normalized) }
                } catch let error as PathViolation {
                    escapes.append(
                        Violation(
                            reason: .pathEscape, message: error.description, lines: [redactor.redact(path)]))
                    continue
                } catch let error as PathGuardError where error.isEscape {
                    escapes.append(
                        Violation(
                            reason: .pathEscape, message: error.description, lines: [redactor.redact(path)]))
                    continue
                } catch {
                    // I/O trouble on the worktree is not a policy finding; the string rules held.
                }
                if let glob = globs.first(where: { $0.matches(path) }) {
                    rules.append(
                        Violation(
                            reason: .policyViolation,
                            message: "\(path) matches forbidden glob \(glob.pattern)",
                            lines: ["\(redactor.redact(path)): forbidden by \(glob.pattern)"]))
                }
            }
            if file.isSymlink {
                escapes.append(
                    Violation(
                        reason: .pathEscape,
                        message: "\(file.path) is a symbolic link; patches may not create or change links",
                        lines: [
                            "\(redactor.redact(file.path)): mode \(file.newMode ?? file.oldMode ?? "120000")"
                        ]))
            }
            if file.newMode == "160000" || file.oldMode == "160000" {
                rules.append(
                    Violation(
                        reason: .policyViolation,
                        message: "\(file.path) is a submodule; patches may not change submodules",
                        lines: ["\(redactor.redact(file.path)): mode 160000"]))
            }
            if let found = secretLines(in: file) { secrets.append(found) }
        }
        let stats = diff.stats
        if stats.filesChanged > policy.maxFiles {
            rules.append(
                Violation(
                    reason: .policyViolation,
                    message:
                        "the patch changes \(stats.filesChanged) files; [policy] max_files is \(policy.maxFiles)",
                    lines: diff.files.prefix(50).map { redactor.redact($0.path) }))
        }
        let lines = stats.linesAdded + stats.linesRemoved
        if lines > policy.maxLines {
            rules.append(
                Violation(
                    reason: .policyViolation,
                    message: "the patch changes \(lines) lines; [policy] max_lines is \(policy.maxLines)",
                    lines: []))
        }
        return escapes + secrets + rules
    }

    /// Secrets in the lines a file's hunks add, reported as `path:line: +text` (redacted).
    /// Added lines are scanned joined together so multi-line secrets (private key blocks) match.
    /// Only the kinds `[policy] block_secrets` names count; the others (emails, by default) are
    /// redacted where the patch is shown, not refused.
    func secretLines(in file: FileDiff) -> Violation? {
        var added: [(line: Int, text: String)] = []
        for hunk in file.hunks {
            var newLine = hunk.newStart
            for line in hunk.lines {
                switch line.kind {
                case .added:
                    added.append((newLine, line.text))
                    newLine += 1
                case .context: newLine += 1
                case .removed, .noNewlineMarker: break
                }
            }
        }
        guard !added.isEmpty else { return nil }
        let text = added.map(\.text).joined(separator: "\n")
        let findings = policy.blocking(redactor).findings(in: text)
        guard !findings.isEmpty else { return nil }
        let redactedLines = redactor.redact(text).split(separator: "\n", omittingEmptySubsequences: false)
        var offending: [String] = []
        var kinds: [String] = []
        for finding in findings {
            if !kinds.contains(finding.kind) { kinds.append(finding.kind) }
            // A multi-line match is reported from its first line to its last.
            let lastLine = finding.line + text[finding.range].reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            for index in (finding.line - 1)..<min(lastLine, added.count) {
                let entry =
                    "\(redactor.redact(file.path)):\(added[index].line): +\(redactedLines.indices.contains(index) ? String(redactedLines[index]) : "")"
                if !offending.contains(entry) { offending.append(entry) }
            }
        }
        return Violation(
            reason: .secretDetected,
            message:
                "\(file.path) adds \(kinds.joined(separator: ", ")) (\(findings.count) finding\(findings.count == 1 ? "" : "s"))",
            lines: offending)
    }

    /// The stage failure for a list of violations: the most serious reason, every message, and
    /// every offending line.
    public func failure(for violations: [Violation]) -> StageFailure? {
        guard let first = violations.first else { return nil }
        let message =
            violations.count == 1
            ? first.message
            : "\(first.message) (and \(violations.count - 1) more policy finding\(violations.count == 2 ? "" : "s"))"
        let payload = violations.map { violation in
            (["[\(violation.reason)] \(violation.message)"] + violation.lines.map { "  " + $0 }).joined(
                separator: "\n")
        }.joined(separator: "\n")
        return .quarantine(first.reason, message: redactor.redact(message), payload: redactor.redact(payload))
    }
}
