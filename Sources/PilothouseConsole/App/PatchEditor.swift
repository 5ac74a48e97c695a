import Foundation
import PilothouseCore

/// Runs the operator's editor (`$VISUAL`, else `$EDITOR`) on a copy of a waiting patch and
/// reads the result back. The caller hands the terminal over for the time being.
///
/// The editor line goes through `/bin/sh` as git does, so `EDITOR="code --wait"` works; the
/// file lives in a private directory (0700) and is removed afterwards.
enum PatchEditor {
    enum Outcome: Equatable {
        case edited(Data)
        case unchanged
        case failed(String)
    }

    static func edit(_ diff: Data, of job: JobID, environment: (String) -> String?) -> Outcome {
        let candidates = [environment("VISUAL"), environment("EDITOR")].compactMap { $0 }
        guard let editor = candidates.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        else {
            return .failed("set $VISUAL or $EDITOR to edit patches (e.g. EDITOR=vim)")
        }
        var template = Array((NSTemporaryDirectory() + "pilothouse-edit-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            return .failed("cannot create a temporary directory for the patch (errno \(errno))")
        }
        let directory = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/\(job.short).diff"
        guard
            FileManager.default.createFile(
                atPath: path, contents: diff, attributes: [.posixPermissions: 0o600])
        else { return .failed("cannot write the patch to \(path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", editor + " \"$1\"", "pilothouse-edit", path]
        do {
            try process.run()
        } catch {
            return .failed("cannot start the editor '\(editor)': \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failed(
                "the editor '\(editor)' exited with status \(process.terminationStatus); the patch was not changed"
            )
        }
        guard let edited = FileManager.default.contents(atPath: path) else {
            return .failed("the edited patch \(path) could not be read back (was it deleted?)")
        }
        return edited == diff ? .unchanged : .edited(edited)
    }
}
