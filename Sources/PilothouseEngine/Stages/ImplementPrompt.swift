import PilothouseCore

/// The messages the implement stage sends to a model.
///
/// The format instructions are fixed text because the parser (`ModelEdits`) and the simulated
/// provider both depend on them; file contents are framed as `=== FILE: path ===` blocks and
/// bounded so one huge file cannot crowd out the goal or blow the context window.
public enum ImplementPrompt {
    public static let system = """
        You are a careful software engineer making one focused change to a git repository.
        Answer ONLY with edits, in one of these two formats.

        1. SEARCH/REPLACE blocks, one per change. Put the file path alone on the line above each block:

        path/to/file.py
        <<<<<<< SEARCH
        exact existing lines, copied character for character
        =======
        replacement lines
        >>>>>>> REPLACE

        The SEARCH text must match the file exactly and occur only once; include a few
        surrounding lines to make it unique. An empty SEARCH section creates the file (or
        appends to it).

        2. A unified diff (as `git diff` prints it) inside a ```diff fence.

        Only edit files inside the repository, never under .git/. Do not add credentials,
        keys or tokens. Keep the change as small as the goal allows.
        """

    public struct File: Sendable, Equatable {
        public var path: String
        /// nil when the file does not exist yet.
        public var content: String?
        public var truncated: Bool

        public init(path: String, content: String?, truncated: Bool = false) {
            self.path = path
            self.content = content
            self.truncated = truncated
        }
    }

    public static func messages(
        job: Job, files: [File], plan: String?, feedback: String?, previousPatch: String?
    ) -> [ModelRequest.Message] {
        var user = "# Goal\n\n\(job.title.isEmpty ? "" : job.title + "\n\n")\(job.goal)\n"
        if let plan, !plan.isEmpty { user += "\n# Plan\n\n\(plan)\n" }
        let hasFeedback = feedback.map { !$0.isEmpty } ?? false
        if let feedback, hasFeedback {
            user += "\n# Feedback on the previous attempt\n\n\(feedback)\n"
        }
        // After a rejection the patch is the attempt the feedback is about; without feedback it
        // is the change a follow-up stage (generate_tests, update_docs) builds on, which the
        // model must see or it writes tests and docs for the old code.
        if let previousPatch, !previousPatch.isEmpty {
            user +=
                hasFeedback
                ? "\nThe previous attempt's patch was:\n\n```diff\n\(previousPatch)\n```\n"
                : "\n# The change so far\n\nThe worktree already holds this patch; keep it and build on it:\n\n```diff\n\(previousPatch)\n```\n"
        }
        if !files.isEmpty {
            user += "\n# Files\n\n"
            for file in files {
                user += "=== FILE: \(file.path) ===\n"
                if let content = file.content {
                    user += content
                    if !content.isEmpty, !content.hasSuffix("\n") { user += "\n" }
                    if file.truncated { user += "[… truncated: the rest of this file is not shown …]\n" }
                } else {
                    user += "[this file does not exist yet]\n"
                }
                user += "=== END FILE ===\n\n"
            }
        }
        user += "\nAnswer with SEARCH/REPLACE blocks or a ```diff fence only."
        return [.init(.system, system), .init(.user, user)]
    }

    /// Paths named in a goal (``in src/app.py``, `` `lib/x.swift` ``), for jobs whose plan gave
    /// no file list; the caller keeps only those that exist.
    public static func mentionedPaths(in text: String) -> [String] {
        var found: [String] = []
        let separators: Set<Character> = [
            " ", "\n", "\t", "`", "\"", "'", "(", ")", ",", ";", "<", ">", "[", "]",
        ]
        for token in text.split(whereSeparator: { separators.contains($0) }) {
            var candidate = Substring(token)
            while let last = candidate.last, last == "." || last == ":" || last == "!" || last == "?" {
                candidate = candidate.dropLast()
            }
            guard candidate.contains("."), !candidate.hasPrefix("."), !candidate.contains("://"),
                let path = try? PathRules.validate(relativePath: String(candidate)), !found.contains(path)
            else { continue }
            found.append(path)
        }
        return found
    }
}
