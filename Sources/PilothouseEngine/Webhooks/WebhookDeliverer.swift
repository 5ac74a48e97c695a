import Foundation
import PilothouseCore

/// Sends the outbox's due events to the `[[webhooks]]` that subscribe to them, signed.
///
/// A row is delivered when every subscribed receiver answered 2xx; otherwise it is retried
/// (to all of them, with the same `X-Pilothouse-Delivery`, which receivers deduplicate by)
/// after a backoff of 1 s doubling to 5 min, recorded in the store so it survives restarts.
public struct WebhookDeliverer: Sendable {
    struct Target: Sendable {
        var settings: WebhookSettings
        var secret: Data
    }

    let targets: [Target]
    let store: any OutboxStore
    let transport: HTTPTransport
    /// Per request: a receiver that hangs delays the others by at most this.
    let timeout: Duration

    /// Resolves every entry's secret now, so a missing variable stops the start with the
    /// config's file and line instead of failing each delivery later.
    public init(
        webhooks: [WebhookSettings], environment: [String: String], store: any OutboxStore,
        timeout: Duration = .seconds(10)
    ) throws(ConfigError) {
        var targets: [Target] = []
        for settings in webhooks {
            targets.append(Target(settings: settings, secret: try settings.secret(in: environment)))
        }
        self.targets = targets
        self.store = store
        self.transport = HTTPTransport()
        self.timeout = timeout
    }

    /// What one delivery attempt came to.
    public enum Report: Sendable, Equatable {
        case delivered(deliveryID: String, event: WebhookEvent, receivers: Int)
        case failed(deliveryID: String, event: WebhookEvent, error: String, retryAt: Date)
        /// Not sent: older than `maxAge` when its turn came.
        case expired(deliveryID: String, event: WebhookEvent, createdAt: Date)

        public var text: String {
            switch self {
            case .delivered(let id, let event, let receivers):
                "webhook \(event.rawValue) \(id) delivered to \(receivers) receiver(s)"
            case .failed(let id, let event, let error, let retryAt):
                "webhook \(event.rawValue) \(id) failed: \(error); retrying at \(retryAt.formatted(.iso8601))"
            case .expired(let id, let event, let createdAt):
                "webhook \(event.rawValue) \(id) of \(createdAt.formatted(.iso8601)) not sent: older than 72 h"
            }
        }
    }

    /// Events older than this when their turn comes are dropped unsent (`webhook_expired`):
    /// a receiver down for days, or a webhook added to a store with a long history, does not
    /// get a flood of stale news.
    public static let maxAge: TimeInterval = 72 * 3600

    /// The wait after `failures` failed attempts: 1 s, doubling, at most 5 min.
    public static func backoff(afterFailures failures: Int) -> TimeInterval {
        min(300, pow(2, Double(max(0, min(failures, 20) - 1))))
    }

    /// Sends the rows due at `dueBy` (a start or an end passes `.distantFuture`: every pending
    /// row, whatever its backoff), oldest first, and stops at the first failure: a receiver
    /// that is down costs one attempt per pass, not one per pending row. A store that cannot be
    /// read or written throws; the rows stay pending and go out on a later pass. Rows older
    /// than `maxAge` at `now` are expired unsent.
    public func deliverDue(dueBy: Date = Date(), limit: Int = 100, now: Date = Date()) async throws
        -> [Report]
    {
        var reports: [Report] = []
        for delivery in try store.dueOutbox(now: dueBy, limit: limit) {
            guard now.timeIntervalSince(delivery.createdAt) <= Self.maxAge else {
                let report = Report.expired(
                    deliveryID: delivery.deliveryID, event: delivery.event, createdAt: delivery.createdAt)
                try store.markOutboxExpired(id: delivery.id, message: report.text)
                reports.append(report)
                continue
            }
            let subscribed = targets.filter { $0.settings.events.contains(delivery.event) }
            var errors: [String] = []
            for target in subscribed {
                if let error = await post(delivery, to: target) { errors.append(error) }
            }
            if errors.isEmpty {
                let report = Report.delivered(
                    deliveryID: delivery.deliveryID, event: delivery.event, receivers: subscribed.count)
                try store.markOutboxDelivered(id: delivery.id, message: report.text)
                reports.append(report)
            } else {
                let retryAt = Date().addingTimeInterval(Self.backoff(afterFailures: delivery.attempts + 1))
                let error = errors.joined(separator: "; ")
                try store.markOutboxFailed(id: delivery.id, error: error, nextAttemptAt: retryAt)
                reports.append(
                    .failed(
                        deliveryID: delivery.deliveryID, event: delivery.event, error: error, retryAt: retryAt
                    ))
                break
            }
        }
        return reports
    }

    /// The exact bytes a receiver gets (and the signature covers).
    public static func body(for delivery: OutboxDelivery, timestamp: Date) -> Data {
        let id = String(
            decoding: (try? JSONEncoder().encode(delivery.deliveryID)) ?? Data("\"\"".utf8), as: UTF8.self)
        let seconds = Int64(timestamp.timeIntervalSince1970.rounded(.down))
        return Data(
            "{\"delivery_id\":\(id),\"event\":\"\(delivery.event.rawValue)\",\"timestamp\":\(seconds),\"data\":\(delivery.payload)}"
                .utf8)
    }

    /// One POST; nil when the receiver took it, else why not (for the bead and the notice).
    private func post(_ delivery: OutboxDelivery, to target: Target) async -> String? {
        let now = Date()
        let body = Self.body(for: delivery, timestamp: now)
        let headers = [
            (WebhookSignature.header, WebhookSignature.sign(body, secret: target.secret)),
            ("X-Pilothouse-Delivery", delivery.deliveryID),
            ("X-Pilothouse-Event", delivery.event.rawValue),
            ("X-Pilothouse-Timestamp", String(Int64(now.timeIntervalSince1970.rounded(.down)))),
            ("User-Agent", "Pilothouse-Webhook"),
        ]
        do {
            let response = try await transport.post(
                url: target.settings.url, headers: headers, body: body, timeout: timeout)
            guard (200..<300).contains(response.status) else {
                return "\(target.settings.displayURL) answered HTTP \(response.status)"
            }
            return nil
        } catch {
            return "\(target.settings.displayURL): \(error.description)"
        }
    }
}
