import Foundation
import PilothouseCore
import Synchronization

/// The engine's ear inside one stage's model calls (installed as the task-local
/// `ModelCallObservation.observer` for the stage's task).
///
/// A rate-limit wait becomes a `model_waiting` bead with the resume time and a live
/// `modelActivity` event, and the stage's deadline is extended by the time the provider holds
/// the call back: a job that waits for a limit is not slow, and must not be cancelled for it.
/// Streaming progress becomes live events, at most a few per second.
final class StageCallObserver: ModelCallObserver {
    private struct State {
        /// The latest resume time already covered, so overlapping reports are counted once.
        var coveredUntil: Date?
        var added: Duration = .zero
        var lastStreamEvent: ContinuousClock.Instant?
    }

    let jobID: JobID
    let stage: StageName
    private let state = Mutex(State())
    private let recordBead: @Sendable (BeadKind, String, [String: String]) async -> Void
    private let publish: @Sendable (EngineEvent) async -> Void
    /// Streaming events closer together than this are dropped (the last word arrives anyway
    /// as the `model_called` bead).
    static let streamEventInterval: Duration = .milliseconds(250)

    init(
        jobID: JobID, stage: StageName,
        recordBead: @escaping @Sendable (BeadKind, String, [String: String]) async -> Void,
        publish: @escaping @Sendable (EngineEvent) async -> Void
    ) {
        self.jobID = jobID
        self.stage = stage
        self.recordBead = recordBead
        self.publish = publish
    }

    /// How much later than planned the stage's deadline falls, for the time spent waiting.
    var deadlineExtension: Duration { state.withLock { $0.added } }

    func waiting(model: String, until: Date, reason: String) async {
        let now = Date()
        let added = state.withLock { state -> Bool in
            let from = max(now, state.coveredUntil ?? now)
            let seconds = until.timeIntervalSince(from)
            guard seconds > 0.05 else { return false }
            state.added += .milliseconds(Int64((seconds * 1000).rounded(.up)))
            state.coveredUntil = until
            return true
        }
        guard added else { return }
        let activity = ModelActivity(
            jobID: jobID, stage: stage, model: model, kind: .waiting(until: until, reason: reason), at: now)
        await recordBead(
            .modelWaiting, activity.sentence(now: now),
            ["model": model, "reason": reason, "resumes_at": ISO8601DateFormatter().string(from: until)])
        await publish(.modelActivity(activity))
    }

    func streaming(model: String, tokens: Int, tokensPerSecond: Double) async {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            if let last = state.lastStreamEvent, last.duration(to: now) < Self.streamEventInterval {
                return false
            }
            state.lastStreamEvent = now
            return true
        }
        guard due else { return }
        await publish(
            .modelActivity(
                ModelActivity(
                    jobID: jobID, stage: stage, model: model,
                    kind: .streaming(tokens: tokens, tokensPerSecond: tokensPerSecond))))
    }
}
