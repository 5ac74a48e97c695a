import Foundation
import PilothouseCore

/// The files a prompt shows the model, in the `=== FILE: path ===` format every model
/// stage (and the simulated provider) understands.
///
/// Paths come from plans, goals and operators, and what is read ends up in transcripts, so
/// every read goes through `PathGuard`: nothing outside the root (no `..`, no absolute path, no
/// symbolic link leading out), nothing under `.git` or `.pilothouse/`, and a bounded number of
/// bytes. A refused path is an error for the stage to quarantine, never a silent skip that
/// would leave the job running on a prompt someone tried to poison.
public enum PromptFiles {
    /// Reads `paths` below `root` (at most `maxFiles` of them), each under its link-free path,
    /// the one an edit must name.
    ///
    /// A path that does not exist is returned without content when `includeMissing` is on (the
    /// implementer may create it) and left out otherwise; a directory or unreadable file is left
    /// out, since a hint is a hint. Throws the guard's refusal for a path that would escape.
    public static func read(
        root: String, paths: [String], maxFiles: Int = 20, maxFileBytes: Int = 64 * 1024,
        maxTotalBytes: Int = 256 * 1024, includeMissing: Bool = true
    ) throws(PathGuardError) -> [ImplementPrompt.File] {
        let guardian = PathGuard(root: root)
        var budget = maxTotalBytes
        var files: [ImplementPrompt.File] = []
        for path in paths.prefix(maxFiles) {
            let normalized: String
            let bytes: [UInt8]?
            do throws(PathGuardError) {
                normalized = try guardian.resolve(path)
                // Checked on the resolved path, so a link into .pilothouse/ is caught too.
                if normalized == ".pilothouse" || normalized.hasPrefix(".pilothouse/") {
                    throw PathGuardError.privateState(path: normalized)
                }
                bytes = try guardian.read(normalized, limit: maxFileBytes)
            } catch  where error.isEscape {
                throw error
            } catch {
                continue
            }
            guard let bytes else {
                if includeMissing { files.append(.init(path: normalized, content: nil)) }
                continue
            }
            let shown = bytes.prefix(min(maxFileBytes, max(0, budget)))
            budget -= shown.count
            files.append(
                .init(
                    path: normalized, content: String(decoding: shown, as: UTF8.self),
                    truncated: shown.count < bytes.count))
        }
        return files
    }

    /// The stage failure for a refused read: the job is quarantined as a path escape.
    public static func failure(for error: PathGuardError) -> StageFailure {
        .quarantine(
            .pathEscape, message: "refused to show a file to the model: \(error.description)",
            payload: error.path.debugDescription)
    }

    /// The files as `=== FILE: path ===` blocks (files that do not exist are left out).
    public static func render(_ files: [ImplementPrompt.File]) -> String {
        var output = ""
        for file in files {
            guard let text = file.content else { continue }
            output += "=== FILE: \(file.path) ===\n\(text)\(text.hasSuffix("\n") ? "" : "\n")"
            if file.truncated { output += "[… truncated …]\n" }
            output += "=== END FILE ===\n"
        }
        return output
    }
}
