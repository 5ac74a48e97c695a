import PilothouseCore

/// What a quarantine record's view shows beside its message, by reason: what the operator needs
/// to decide between retry, release and drop.
///
/// * `malformed_output`: the model's answer next to the format it was asked for.
/// * `policy_violation`, `secret_detected`, `path_escape`: the findings, each finding's
///   offending lines marked (the payload is already redacted by the engine).
/// * everything else (`max_attempts`, `stage_failed`, …): the payload as recorded.
enum QuarantineEvidence {
    /// One line of evidence and how to show it.
    struct Line: Hashable {
        var text: String
        var role: ThemeRole
    }

    /// The left column's heading and the right column's, when the evidence is two columns.
    static func columns(for record: QuarantineRecord) -> (String, [Line], String, [Line])? {
        guard record.reason == .malformedOutput else { return nil }
        return (
            "the model's answer (redacted)", answer(record), "the format it was asked for",
            expectedFormat.split(separator: "\n", omittingEmptySubsequences: false).map {
                Line(text: String($0), role: $0.hasPrefix("#") ? .muted : .accent)
            }
        )
    }

    /// The evidence as one column.
    static func lines(for record: QuarantineRecord) -> (String, [Line]) {
        switch record.reason {
        case .policyViolation, .secretDetected, .pathEscape:
            return ("findings (offending lines marked; secrets redacted):", findings(record))
        case .malformedOutput:
            return ("the model's answer (redacted):", answer(record))
        default:
            return ("payload (redacted):", plain(record))
        }
    }

    /// Policy payloads are `[reason] message` lines, each followed by its offending lines
    /// indented; a patch payload (path escapes) marks its added and removed lines.
    static func findings(_ record: QuarantineRecord) -> [Line] {
        guard !record.payload.isEmpty else { return [Line(text: "(empty)", role: .muted)] }
        return record.payload.split(separator: "\n", omittingEmptySubsequences: false).map { raw in
            let text = String(raw)
            if text.hasPrefix("[") { return Line(text: text, role: .error) }
            if text.hasPrefix("  ") { return Line(text: "▶ " + text.dropFirst(2), role: .warn) }
            if text.hasPrefix("+++") || text.hasPrefix("---") { return Line(text: text, role: .error) }
            if text.hasPrefix("+") { return Line(text: "▶ " + text, role: .warn) }
            return Line(text: text, role: .muted)
        }
    }

    static func answer(_ record: QuarantineRecord) -> [Line] { plain(record) }

    static func plain(_ record: QuarantineRecord) -> [Line] {
        guard !record.payload.isEmpty else { return [Line(text: "(empty)", role: .muted)] }
        return record.payload.split(separator: "\n", omittingEmptySubsequences: false).map {
            Line(text: String($0), role: .normal)
        }
    }

    /// The edit formats the engine accepts (`ModelEdits`), as the model is told them.
    static let expectedFormat = """
        # SEARCH/REPLACE blocks, the path alone above each:
        path/to/file.py
        <<<<<<< SEARCH
        the lines exactly as the file has them
        =======
        the lines that replace them
        >>>>>>> REPLACE
        # or a unified diff in a ```diff fence:
        ```diff
        --- a/path/to/file.py
        +++ b/path/to/file.py
        @@ -10,3 +10,3 @@
        ```
        """
}
