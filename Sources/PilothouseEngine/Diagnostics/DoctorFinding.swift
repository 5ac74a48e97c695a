import Foundation

/// One finding of `pilothouse doctor`: `ok`, `warn` (works, but worth a look) or `fail` (will
/// not work, and `doctor` exits 1).
public struct DoctorFinding: Sendable, Equatable {
    public enum Level: String, Sendable { case ok, warn, fail }

    public var level: Level
    /// What was checked: `database`, `engines`, `leases`, `git`…
    public var subject: String
    /// What was found and, unless it is fine, what to do.
    public var detail: String

    public init(level: Level, subject: String, detail: String) {
        self.level = level
        self.subject = subject
        self.detail = detail
    }
}
