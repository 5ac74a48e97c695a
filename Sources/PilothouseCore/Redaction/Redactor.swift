import Foundation

/// Replaces secrets and personal data with `[REDACTED:kind]`.
///
/// Everything Pilothouse persists or shows (transcripts, test output, bead metadata,
/// quarantine payloads, logs) goes through one of these, so a secret a model or a test printed
/// is never written to `.pilothouse/` in the clear. A value type holding compiled patterns: it
/// can be built once from the config and shared between tasks.
public struct Redactor: Sendable {
    public let patterns: [SecretPattern]

    public init(patterns: [SecretPattern] = SecretPattern.builtIn) {
        self.patterns = patterns
    }

    /// The built-in patterns only.
    public static let standard = Redactor()

    /// This redactor with `extra` patterns checked after the built-in ones.
    public func adding(_ extra: [SecretPattern]) -> Redactor {
        Redactor(patterns: patterns + extra)
    }

    /// One thing found: what kind, and where in the text it was given.
    public struct Finding: Hashable, Sendable {
        public var kind: String
        /// 1-based line of the first character of the match.
        public var line: Int
        /// The matched range in the text given to `findings(in:)`.
        public var range: Range<String.Index>
    }

    public func redact(_ text: String) -> String {
        var result = text
        for pattern in patterns {
            let matches = Redactor.matches(of: pattern, in: result)
            guard !matches.isEmpty else { continue }
            for range in matches.reversed() {
                result.replaceSubrange(range, with: "[REDACTED:\(pattern.kind)]")
            }
        }
        return result
    }

    /// Redacts bytes that may not be UTF-8 (test output, diffs); invalid sequences become U+FFFD,
    /// which is acceptable for text that is only ever displayed or stored for reading.
    public func redact(_ bytes: [UInt8]) -> String {
        redact(String(decoding: bytes, as: UTF8.self))
    }

    /// Every secret in `text`, for policy checks that must report where, not just hide what.
    /// Overlapping matches of later patterns are dropped so one secret is reported once.
    public func findings(in text: String) -> [Finding] {
        var found: [Finding] = []
        var taken: [Range<String.Index>] = []
        for pattern in patterns {
            for range in Redactor.matches(of: pattern, in: text)
            where !taken.contains(where: { $0.overlaps(range) }) {
                taken.append(range)
                let line = text[..<range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                found.append(Finding(kind: pattern.kind, line: line, range: range))
            }
        }
        return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    public func containsSecret(_ text: String) -> Bool {
        patterns.contains { !Redactor.matches(of: $0, in: text).isEmpty }
    }

    /// Ranges to replace: the `secret` group when the pattern has one, else the whole match.
    private static func matches(of pattern: SecretPattern, in text: String) -> [Range<String.Index>] {
        let whole = NSRange(text.startIndex..<text.endIndex, in: text)
        var ranges: [Range<String.Index>] = []
        for match in pattern.expression.matches(in: text, options: [], range: whole) {
            var target = match.range
            if pattern.hasSecretGroup {
                let group = match.range(withName: "secret")
                if group.location != NSNotFound { target = group }
            }
            guard let range = Range(target, in: text), !range.isEmpty, pattern.accepts(text[range]) else {
                continue
            }
            ranges.append(range)
        }
        return ranges
    }
}
