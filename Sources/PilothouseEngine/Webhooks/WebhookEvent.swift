import Foundation
import PilothouseCore

/// What a `[[webhooks]]` entry can subscribe to. Raw values are the names in `events = […]`,
/// the `event` of the body and the `X-Pilothouse-Event` header: renaming one is a breaking
/// change for every receiver.
public enum WebhookEvent: String, CaseIterable, Codable, Hashable, Sendable {
    case approvalWaiting = "approval_waiting"
    case quarantined
    case budgetHold = "budget_hold"
    case runFinished = "run_finished"
    case merged

    /// The event a bead announces, if any. Each event comes from exactly one kind of bead, so
    /// one change is never announced twice (a quarantine is its `quarantined` bead, not also
    /// the state change that goes with it).
    public init?(bead: Bead) {
        switch bead.kind {
        case .stateChanged where bead.metadata["to"] == JobState.awaitingApproval.rawValue:
            self = .approvalWaiting
        case .stateChanged where bead.metadata["to"] == JobState.budgetHold.rawValue:
            self = .budgetHold
        case .quarantined: self = .quarantined
        case .merged: self = .merged
        case .runFinished: self = .runFinished
        default: return nil
        }
    }
}

/// The part of a webhook body that describes the event: the bead, as stored. Bead text went
/// through the store's redactor before it was written, so the payload carries no secret the
/// audit chain does not.
public struct WebhookPayload: Codable, Sendable, Equatable {
    public var beadSeq: Int64
    public var jobID: String?
    public var kind: String
    public var stage: String?
    public var message: String
    public var metadata: [String: String]
    /// Milliseconds since 1970, like every time in the store.
    public var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case beadSeq = "bead_seq"
        case jobID = "job_id"
        case kind, stage, message, metadata
        case createdAt = "created_at"
    }

    public init(bead: Bead) {
        beadSeq = bead.seq
        jobID = bead.jobID?.rawValue
        kind = bead.kind.rawValue
        stage = bead.stage?.rawValue
        message = bead.message
        metadata = bead.metadata
        createdAt = bead.createdAtMillis
    }

    /// Sorted keys: the same bead always gives the same bytes.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and integers only: encoding cannot fail.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// One outbox row to write with a bead: its event and payload. Backends call this inside
/// `appendBead`, so the row commits (or rolls back) with the bead it describes.
public struct OutboxEntry: Sendable, Equatable {
    public var event: WebhookEvent
    public var deliveryID: String
    public var payload: String

    public init?(bead: Bead) {
        guard let event = WebhookEvent(bead: bead) else { return nil }
        self.event = event
        deliveryID = UUID().uuidString.lowercased()
        payload = WebhookPayload(bead: bead).json
    }
}
