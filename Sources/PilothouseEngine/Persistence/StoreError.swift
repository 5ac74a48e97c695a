import Foundation
import PilothouseCore

/// Why the store could not be opened or used, in words an operator can act on.
public enum StoreError: Error, Equatable, CustomStringConvertible, Sendable {
    case missing(path: String)
    case notADatabase(path: String, detail: String)
    case readOnly(path: String)
    case unreadable(path: String, mode: UInt16)
    case newerSchema(path: String, unknown: [String])
    case damagedSchema(path: String, problems: [String])
    case locked(path: String)
    case unknownJob(String)
    case ambiguousJob(String, matches: Int)
    case unknownQuarantineRecord(String)
    case illegalTransition(job: JobIDText, JobStateErrorText)
    /// A conditional move (`JobStore.moveJob`) found the job in a state it does not apply to:
    /// another process changed it after the caller looked.
    case stateChanged(job: JobIDText, now: JobState)
    case database(path: String, detail: String)
    /// The disk (or filesystem) under the store refused a write, even after `waited` of retries.
    case storageFull(path: String, detail: String, waited: Duration)
    case beadChainBroken(path: String, BeadChainBreak)

    public typealias JobIDText = String
    public typealias JobStateErrorText = String

    public var description: String {
        switch self {
        case .missing(let path):
            "no Pilothouse store at \(path); run `pilothouse init` in the repository first"
        case .notADatabase(let path, let detail):
            "\(path) is not a Pilothouse database (\(detail)); move it aside and run `pilothouse init`, or restore it from a backup"
        case .readOnly(let path):
            "\(path) is read-only; make it and its folder writable (chmod u+w) or use a copy"
        case .unreadable(let path, let mode):
            "\(path) cannot be read (its permissions are \(Self.octal(mode))); make it readable and writable (chmod u+rw) or use a copy"
        case .newerSchema(let path, let unknown):
            "\(path) was written by a newer Pilothouse (schema \(unknown.joined(separator: ", "))); upgrade Pilothouse to use it"
        case .damagedSchema(let path, let problems):
            "\(path) has a damaged schema: \(problems.joined(separator: "; ")). Pilothouse left it unchanged; restore it from a backup (or move it aside and run `pilothouse init`)"
        case .locked(let path):
            "\(path) is locked by another process for too long; stop the other Pilothouse or retry"
        case .unknownJob(let text):
            "no job matches '\(text)'; list jobs with `pilothouse jobs ls`"
        case .ambiguousJob(let text, let matches):
            "'\(text)' matches \(matches) jobs; type more characters of the id"
        case .unknownQuarantineRecord(let text):
            "no quarantine record matches '\(text)'; list them with `pilothouse quarantine ls`"
        case .illegalTransition(let job, let detail):
            "job \(job): \(detail)"
        case .stateChanged(let job, let now):
            "job \(job) is \(now) now: it changed while the command ran; look at it again"
        case .database(let path, let detail):
            "database error in \(path): \(detail)"
        case .storageFull(let path, let detail, let waited):
            "could not write \(path): the disk is full or failing (\(detail))"
                + (waited > .zero ? " after retrying for \(Int(waited.seconds)) s" : "")
                + "; free space on that filesystem and retry"
        case .beadChainBroken(let path, let problem):
            "the bead chain in \(path) is broken at \(problem); `pilothouse beads verify` shows it, and a backup restores it"
        }
    }

    /// Permission bits as `ls -l` users type them to chmod: three octal digits.
    private static func octal(_ mode: UInt16) -> String {
        let digits = String(mode & 0o777, radix: 8)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
