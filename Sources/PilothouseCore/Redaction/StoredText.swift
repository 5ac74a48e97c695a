/// The form operator- and model-supplied text takes before the store keeps it.
///
/// Two things happen, once, at the store's door, so that every later reader (beads, `jobs
/// show`, `run --json`, the console, a model's next prompt) sees the same text:
/// * NUL becomes U+FFFD. SQLite's C API reads TEXT up to the first NUL and PostgreSQL refuses
///   it, so a NUL kept in a title would be cut on the way back, and a bead hashed over the
///   uncut text would then fail `beads verify` for good. Invalid UTF-8 already became U+FFFD
///   when the bytes were decoded; every other scalar round-trips byte for byte.
/// * Secrets are replaced by `[REDACTED:kind]`, whatever field they came in.
public struct StoredText: Sendable {
    public let redactor: Redactor

    public init(redactor: Redactor = .standard) {
        self.redactor = redactor
    }

    /// `text` as stored: NUL replaced, then secrets redacted.
    public func callAsFunction(_ text: String) -> String {
        redactor.redact(Self.withoutNUL(text))
    }

    /// `text` with every NUL replaced by U+FFFD; the only scalar the database cannot keep.
    public static func withoutNUL(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(scalar == "\0" ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    /// A job with its title, goal, plan reference and file hints as stored.
    public func job(_ job: Job) -> Job {
        var stored = job
        stored.title = self(job.title)
        stored.goal = self(job.goal)
        stored.sourcePlan = job.sourcePlan.map { self($0) }
        stored.sourceAnchor = job.sourceAnchor.map { self($0) }
        stored.filesHint = job.filesHint.map { self($0) }
        return stored
    }

    /// A stage's output with every text it carries as stored.
    public func output(_ output: StageOutput) -> StageOutput {
        switch output {
        case .none, .patch, .merged: return output
        case .text(let text): return .text(self(text))
        case .plan(let text): return .plan(self(text))
        case .review(var score):
            score.summary = self(score.summary)
            score.dimensions = Dictionary(
                score.dimensions.map { (self($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
            return .review(score)
        case .tests(var summary):
            summary.outputTail = self(summary.outputTail)
            return .tests(summary)
        case .policy(var report):
            report.violations = report.violations.map { self($0) }
            report.flags = report.flags.map { self($0) }
            return .policy(report)
        }
    }

    /// A quarantine record with its message and payload as stored.
    public func record(_ record: QuarantineRecord) -> QuarantineRecord {
        var stored = record
        stored.message = self(record.message)
        stored.payload = self(record.payload)
        return stored
    }

    /// Bead metadata with keys and values as stored.
    public func metadata(_ metadata: [String: String]) -> [String: String] {
        Dictionary(metadata.map { (self($0.key), self($0.value)) }, uniquingKeysWith: { first, _ in first })
    }
}
