import Foundation

/// One improvement to make, usually one item of a plan.
public struct Job: Identifiable, Hashable, Codable, Sendable {
    public var id: JobID
    public var title: String
    public var goal: String
    public var category: JobCategory
    public var priority: Priority
    /// The plan file the job came from, relative to the repository, when imported.
    public var sourcePlan: String?
    /// Where in the plan: a stable anchor such as `p0-critical/1-claude-worker-hardcoded`.
    public var sourceAnchor: String?
    /// Files the plan names; a hint for the model, not a limit.
    public var filesHint: [String]
    public var state: JobState
    public var currentStage: StageName?
    public var attempts: Int
    public var maxAttempts: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: JobID = JobID(),
        title: String,
        goal: String,
        category: JobCategory = .quality,
        priority: Priority = .p2,
        sourcePlan: String? = nil,
        sourceAnchor: String? = nil,
        filesHint: [String] = [],
        state: JobState = .queued,
        currentStage: StageName? = nil,
        attempts: Int = 0,
        maxAttempts: Int = 3,
        createdAt: Date = Date(),
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.title = title
        self.goal = goal
        self.category = category
        self.priority = priority
        self.sourcePlan = sourcePlan
        self.sourceAnchor = sourceAnchor
        self.filesHint = filesHint
        self.state = state
        self.currentStage = currentStage
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Moves the job to `next` through the state machine.
    public mutating func transition(to next: JobState, at date: Date = Date()) throws(JobStateError) {
        state = try JobStateMachine.transition(from: state, to: next)
        updatedAt = date
    }
}
