import Foundation
import PilothouseCore
import Synchronization

/// Runs a stage against its deadline: a warning at 95%, cancellation at 100%.
///
/// The stage runs in its own task and the watchdog does not wait for it to acknowledge
/// cancellation, so a stage that ignores cancellation cannot hang the engine; stages that
/// spawn processes kill their process group from their cancellation handlers.
enum StageWatchdog {
    static func run(
        _ stage: any PipelineStage, context: StageContext, timeout: Duration?,
        onSlow: @escaping @Sendable () async -> Void
    ) async -> Result<StageOutput, StageFailure> {
        let race = Race()
        return await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<StageOutput, StageFailure>, Never>) in
                race.start(continuation)
                let work = Task {
                    do throws(StageFailure) {
                        race.finish(.success(try await stage.run(context)))
                    } catch {
                        race.finish(.failure(error))
                    }
                }
                race.onFinish { work.cancel() }
                guard let timeout else { return }
                let timer = Task {
                    do {
                        try await Task.sleep(for: timeout * 0.95)
                        await onSlow()
                        try await Task.sleep(for: timeout * 0.05)
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
