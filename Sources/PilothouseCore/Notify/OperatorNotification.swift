import Foundation

/// One thing to tell the operator, or a digest of several that arrived together.
///
/// Its JSON (snake_case, documented in Docs/CONFIGURATION.md under `[notify]`) is what a
/// `notify_command` reads on stdin.
public struct OperatorNotification: Sendable, Hashable, Codable {
    /// One event inside a notification.
    public struct Item: Sendable, Hashable, Codable {
        public var kind: NotificationKind
        public var jobID: JobID?
        /// The model lane, for `rate_limited`.
        public var model: String?
        public var text: String

        public init(kind: NotificationKind, jobID: JobID? = nil, model: String? = nil, text: String) {
            self.kind = kind
            self.jobID = jobID
            self.model = model
            self.text = text
        }

        enum CodingKeys: String, CodingKey {
            case kind
            case jobID = "job_id"
            case model
            case text
        }
    }

    /// The kind of a single item, or `digest` when several were gathered.
    public var kind: String
    public var title: String
    public var message: String
    public var items: [Item]
    public var at: Date

    public init(items: [Item], at: Date) {
        self.items = items
        self.at = at
        if items.count == 1, let item = items.first {
            kind = item.kind.rawValue
            title = "Pilothouse: " + Self.headline(item.kind, count: 1)
            message = item.text
        } else {
            kind = "digest"
            var counts: [NotificationKind: Int] = [:]
            for item in items { counts[item.kind, default: 0] += 1 }
            let parts = NotificationKind.allCases.compactMap { kind in
                counts[kind].map { Self.headline(kind, count: $0) }
            }
            title = "Pilothouse: \(items.count) events"
            message = parts.joined(separator: ", ")
        }
    }

    /// `3 patches waiting`, `1 record quarantined`, …
    static func headline(_ kind: NotificationKind, count: Int) -> String {
        let one = count == 1
        return switch kind {
        case .approvalWaiting: one ? "patch waiting for approval" : "\(count) patches waiting for approval"
        case .quarantined: one ? "record quarantined" : "\(count) records quarantined"
        case .budgetHold: one ? "job held by a budget" : "\(count) jobs held by a budget"
        case .rateLimited: one ? "model lane rate limited" : "\(count) model lanes rate limited"
        case .runFinished: "the swarm is idle"
        }
    }

    /// The JSON a `notify_command` reads: snake_case keys, ISO 8601 time, one line.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
