import Testing

@testable import PilothouseConsole

/// Keys draw in the turn that read them; engine events wait for the paced frame.
@Suite struct FramePacerTests {
    let start = ContinuousClock.now

    @Test func firstFrameIsDueAtOnce() {
        let pacer = FramePacer(interval: .milliseconds(33))
        #expect(pacer.shouldDraw(at: start))
        #expect(pacer.wait(at: start) == .zero)
    }

    @Test func keyRightAfterAFrameIsDrawnAtOnce() {
        var pacer = FramePacer(interval: .milliseconds(33))
        pacer.drew(at: start)
        #expect(!pacer.shouldDraw(at: start + .milliseconds(1)))
        #expect(pacer.wait(at: start + .milliseconds(1)) == nil)
        pacer.invalidate(.input)
        #expect(pacer.shouldDraw(at: start + .milliseconds(1)))
        #expect(pacer.wait(at: start + .milliseconds(1)) == .zero)
    }

    @Test func engineEventsWaitForTheFrameInterval() {
        var pacer = FramePacer(interval: .milliseconds(33))
        pacer.drew(at: start)
        pacer.invalidate(.engine)
        #expect(!pacer.shouldDraw(at: start + .milliseconds(10)))
        #expect(pacer.wait(at: start + .milliseconds(10)) == .milliseconds(23))
        #expect(pacer.shouldDraw(at: start + .milliseconds(33)))
    }

    @Test func aKeyDuringAPendingEngineFrameDrawsAtOnceAndAnEventCannotDowngradeIt() {
        var pacer = FramePacer(interval: .milliseconds(33))
        pacer.drew(at: start)
        pacer.invalidate(.engine)
        pacer.invalidate(.input)
        pacer.invalidate(.engine)
        #expect(pacer.shouldDraw(at: start + .milliseconds(2)))
        pacer.drew(at: start + .milliseconds(2))
        // The key's frame counts for pacing: the next event frame waits a full interval after it.
        pacer.invalidate(.engine)
        #expect(!pacer.shouldDraw(at: start + .milliseconds(20)))
        #expect(pacer.shouldDraw(at: start + .milliseconds(35)))
    }
}
