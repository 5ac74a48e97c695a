import PilothouseCore

/// The `/` filter of the jobs pane, k9s style: every word must match.
///
/// `state:awaiting_approval` (or any prefix of a state, `state:await`), `p0`…`p3`, `cat:security`,
/// `stage:review`; any other word is a case-insensitive substring of the title or the short job id.
/// Words are ANDed because narrowing is what an operator does with a long queue.
public struct JobFilter: Hashable, Sendable {
    public enum Term: Hashable, Sendable {
        case text(String)
        case state(String)
        case priority(Priority)
        case category(String)
        case stage(String)
    }

    public let terms: [Term]

    public init(_ text: String) {
        var terms: [Term] = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            let lower = word.lowercased()
            if let value = Self.value(of: lower, keys: ["state:", "s:"]) {
                terms.append(.state(value.replacingDashes()))
            } else if let value = Self.value(of: lower, keys: ["cat:", "category:"]) {
                terms.append(.category(value))
            } else if let value = Self.value(of: lower, keys: ["stage:"]) {
                terms.append(.stage(value))
            } else if let value = Self.value(of: lower, keys: ["p:", "priority:"]),
                let p = Priority(label: value)
            {
                terms.append(.priority(p))
            } else if lower.count == 2, lower.hasPrefix("p"), let p = Priority(label: lower) {
                terms.append(.priority(p))
            } else {
                terms.append(.text(lower))
            }
        }
        self.terms = terms
    }

    public var isEmpty: Bool { terms.isEmpty }

    public func matches(_ job: Job) -> Bool {
        for term in terms {
            switch term {
            case .text(let text):
                // The short id, not the full ULID: every ULID shares its time prefix with its neighbours.
                if !job.title.lowercased().contains(text) && !job.id.short.lowercased().contains(text) {
                    return false
                }
            case .state(let state):
                if !job.state.rawValue.hasPrefix(state) { return false }
            case .priority(let priority):
                if job.priority != priority { return false }
            case .category(let category):
                if !job.category.rawValue.hasPrefix(category) { return false }
            case .stage(let stage):
                guard let current = job.currentStage?.rawValue, current.hasPrefix(stage) else { return false }
            }
        }
        return true
    }

    private static func value(of word: String, keys: [String]) -> String? {
        for key in keys where word.hasPrefix(key) && word.count > key.count {
            return String(word.dropFirst(key.count))
        }
        return nil
    }
}

extension String {
    fileprivate func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}
