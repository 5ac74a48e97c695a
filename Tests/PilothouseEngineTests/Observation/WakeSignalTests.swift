import Foundation
import Testing

@testable import PilothouseEngine

/// The run loop's and the watcher's wait: a signal ends it early, one sent while nobody waits
/// is not lost, and a cancelled waiter does not hang. Waits are a minute long here, so a wait
/// that does not end early fails the suite's time limit.
@Suite(.timeLimit(.minutes(1))) struct WakeSignalTests {
    @Test func aSignalEndsAWaitEarly() async {
        let signal = WakeSignal()
        let waiter = Task { await signal.wait(timeout: .seconds(600)) }
        // Whether the waiter has parked yet or not: a signal before it parks is kept for it.
        signal.signal()
        await waiter.value
    }

    @Test func aSignalSentWhileNobodyWaitsEndsTheNextWaitOnly() async {
        let signal = WakeSignal()
        signal.signal()
        signal.signal()
        await signal.wait(timeout: .seconds(600))
        // Two signals are one pending wake: the next wait lasts its time (short here).
        let started = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(50))
        #expect(ContinuousClock.now - started >= .milliseconds(50))
    }

    @Test func aWaitEndsAtItsTimeout() async {
        let signal = WakeSignal()
        await signal.wait(timeout: .milliseconds(20))
    }

    @Test func aCancelledWaiterReturns() async {
        let signal = WakeSignal()
        let waiter = Task { await signal.wait(timeout: .seconds(600)) }
        waiter.cancel()
        await waiter.value
        // The cancelled wait left nothing pending behind.
        let started = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(30))
        #expect(ContinuousClock.now - started >= .milliseconds(30))
    }
}
