import Foundation
import PilothouseCore

/// One new job as a caller asks for it (`pilothouse enqueue`, the MCP `enqueue` and
/// `submit_patch` tools): the fields left out take the configuration's defaults, so every
/// way in builds the same job from the same words.
public struct JobRequest: Sendable, Equatable {
    /// What the job should achieve; may be empty only when a patch comes with it.
    public var goal: String
    public var title: String?
    public var category: JobCategory?
    public var priority: Priority?
    /// Files the job is about (a hint, checked by `JobOperations.enqueue`).
    public var files: [String]
    /// Words naming the ready patch that comes with the job ("the operator's patch fix.diff");
    /// an empty goal becomes "Apply <this>.". Nil: no patch.
    public var patch: String?

    public init(
        goal: String, title: String? = nil, category: JobCategory? = nil, priority: Priority? = nil,
        files: [String] = [], patch: String? = nil
    ) {
        self.goal = goal
        self.title = title
        self.category = category
        self.priority = priority
        self.files = files
        self.patch = patch
    }

    /// The job to enqueue: trimmed goal and title (the title derived from the goal when none
    /// is given), blank file names dropped, defaults from `[jobs]`. An empty goal without a
    /// patch is refused: there would be nothing to do.
    public func job(defaults: PilothouseConfig.JobsSection) throws(OperationRefusal) -> Job {
        var goal = Self.trimmed(goal)
        if goal.isEmpty {
            guard let patch else {
                throw OperationRefusal(
                    "the goal is empty; say what the job should achieve", kind: .invalidInput)
            }
            goal = "Apply \(patch)."
        }
        let title = title.map(Self.trimmed) ?? ""
        return Job(
            title: title.isEmpty ? JobTitle.from(goal: goal) : title, goal: goal,
            category: category ?? defaults.defaultCategory, priority: priority ?? defaults.defaultPriority,
            filesHint: files.map(Self.trimmed).filter { !$0.isEmpty },
            maxAttempts: defaults.maxAttempts)
    }

    /// `text` without leading and trailing white space; only its ends are looked at, so a
    /// goal of many megabytes (refused by the limit right after) costs no full scan here.
    static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }
}
