/// One request to a language model, as stages build it and the gateway queues it.
public struct ModelRequest: Sendable, Hashable, Codable {
    public struct Message: Sendable, Hashable, Codable {
        public enum Role: String, Sendable, Hashable, Codable { case system, user, assistant }
        public var role: Role
        public var content: String
        public init(_ role: Role, _ content: String) {
            self.role = role
            self.content = content
        }
    }

    /// Who asked: budgets, fairness and the ledger are per job and stage.
    public var jobID: JobID?
    public var stage: StageName?
    /// The role the stage plays (`planner`, `implementer`, `reviewer`…), for routing.
    public var role: String
    /// `provider:model` as configured (e.g. `openai:gpt-4o-mini`, `simulated:sim-1`), or just a model name.
    public var model: String
    public var messages: [Message]
    public var maxOutputTokens: Int
    public var temperature: Double?
    /// Lower runs first (same scale as job priority).
    public var priority: Priority
    public var attempt: Int

    public init(
        jobID: JobID?, stage: StageName?, role: String, model: String, messages: [Message],
        maxOutputTokens: Int = 4096,
        temperature: Double? = nil, priority: Priority = .p2, attempt: Int = 1
    ) {
        self.jobID = jobID
        self.stage = stage
        self.role = role
        self.model = model
        self.messages = messages
        self.maxOutputTokens = maxOutputTokens
        self.temperature = temperature
        self.priority = priority
        self.attempt = attempt
    }
}
