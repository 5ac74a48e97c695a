import Foundation
import PilothouseCore
import Synchronization

/// Runs a stage against its deadline: a warning at 95%, cancellation at 100%.
///
/// The stage runs in its own task and the watchdog does not wait for it to acknowledge
/// cancellation, so a stage that ignores cancellation cannot hang the engine; stages that
/// spawn processes kill their process group from their cancellation handlers.
enum StageWatchdog {
    /// `observer` hears the stage's model calls; the deadline moves out by the time it reports
    /// the provider held those calls back (rate limits), so a wait is never a timeout.
    static func run(
        _ stage: any PipelineStage, context: StageContext, timeout: Duration?,
        observer: StageCallObserver? = nil,
        onSlow: @escaping @Sendable () async -> Void
    ) async -> Result<StageOutput, StageFailure> {
        let race = Race()
        return await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<StageOutput, StageFailure>, Never>) in
                race.start(continuation)
                let work = Task {
                    let result = await ModelCallObservation.$observer.withValue(observer) {
                        () async -> Result<StageOutput, StageFailure> in
                        do throws(StageFailure) {
                            return .success(try await stage.run(context))
                        } catch {
                            return .failure(error)
                        }
                    }
                    race.finish(result)
                }
                race.onFinish { work.cancel() }
                guard let timeout else { return }
                let timer = Task {
                    let started = ContinuousClock.now
                    var warned = false
                    do {
                        while true {
                            let extra = observer?.deadlineExtension ?? .zero
                            let deadline = started + timeout + extra
                            let warning = started + timeout * 0.95 + extra
                            if !warned, ContinuousClock.now >= warning {
                                warned = true
                                await onSlow()
                                continue
                            }
                            if ContinuousClock.now >= deadline { break }
                            try await Task.sleep(until: warned ? deadline : warning, clock: .continuous)
                        }
                    } catch {
                        return
                    }
                    race.finish(
                        .failure(
                            .retryable(
                                "\(context.spec.name) did not finish within its \(timeout) deadline and was cancelled"
                            )))
                }
                race.onFinish { timer.cancel() }
            }
        } onCancel: {
            race.finish(.failure(.cancelled))
        }
    }

    /// The first result wins; later ones are ignored. Cleanups run once, after the winner.
    private final class Race: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Result<StageOutput, StageFailure>, Never>?
            var pending: Result<StageOutput, StageFailure>?
            var finished = false
            var cleanups: [@Sendable () -> Void] = []
        }
        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<Result<StageOutput, StageFailure>, Never>) {
            let early = state.withLock { state -> Result<StageOutput, StageFailure>? in
                if let pending = state.pending { return pending }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }

        func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
            let runNow = state.withLock { state -> Bool in
                if state.finished { return true }
                state.cleanups.append(cleanup)
                return false
            }
            if runNow { cleanup() }
        }

        func finish(_ result: Result<StageOutput, StageFailure>) {
            let (continuation, cleanups) = state.withLock {
                state -> (
                    CheckedContinuation<Result<StageOutput, StageFailure>, Never>?, [@Sendable () -> Void]
                ) in
                guard !state.finished else { return (nil, []) }
                state.finished = true
                let continuation = state.continuation
                state.continuation = nil
                if continuation == nil { state.pending = result }
                let cleanups = state.cleanups
                state.cleanups = []
                return (continuation, cleanups)
            }
            continuation?.resume(returning: result)
            for cleanup in cleanups { cleanup() }
        }
    }
}
