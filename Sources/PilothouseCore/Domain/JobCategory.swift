/// What kind of improvement a job is; auto-approve rules and reports group by it.
public enum JobCategory: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    case features
    case security
    case compliance
    case integration
    case quality
    case performance
    case docs

    public var description: String { rawValue }

    /// Accepts the canonical names and the common singular / synonym forms plans use.
    public init?(label: String) {
        let word = label.trimmingCharacters(in: .whitespaces).lowercased()
        if let exact = JobCategory(rawValue: word) {
            self = exact
            return
        }
        switch word {
        case "feature", "flexibility", "enhancement": self = .features
        case "sec", "safety": self = .security
        case "legal", "licensing", "audit": self = .compliance
        case "integrations", "ci", "interop": self = .integration
        case "correctness", "reliability", "testing", "tests", "maintainability", "refactor": self = .quality
        case "perf", "speed", "latency": self = .performance
        case "doc", "documentation": self = .docs
        default: return nil
        }
    }
}
