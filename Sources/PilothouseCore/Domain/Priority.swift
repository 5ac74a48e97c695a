/// How urgent a job is: P0 runs first.
public enum Priority: Int, CaseIterable, Comparable, Codable, Sendable, CustomStringConvertible {
    case p0 = 0
    case p1 = 1
    case p2 = 2
    case p3 = 3

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "P\(rawValue)" }

    /// Parses `P0`…`P3` and the words plans use for them (Critical, High, Medium, Low).
    public init?(label: String) {
        switch label.trimmingCharacters(in: .whitespaces).lowercased() {
        case "p0", "0", "critical", "blocker", "urgent": self = .p0
        case "p1", "1", "high", "major": self = .p1
        case "p2", "2", "medium", "normal", "moderate": self = .p2
        case "p3", "3", "low", "minor", "trivial", "nice-to-have": self = .p3
        default: return nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self), let value = Priority(rawValue: number) {
            self = value
            return
        }
        let text = try container.decode(String.self)
        guard let value = Priority(label: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown priority \(text)")
        }
        self = value
    }
}
