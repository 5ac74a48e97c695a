import Foundation
import Testing

@testable import PilothouseCore

/// The attempt rules every store backend applies: decided here once, so a backend cannot
/// count attempts its own way.
@Suite struct AttemptPolicyTests {
    private func job(attempts: Int, max: Int = 3, stage: StageName? = .implement) -> Job {
        var job = Job(title: "t", goal: "g", maxAttempts: max)
        job.attempts = attempts
        job.state = .running
        job.currentStage = stage
        return job
    }

    @Test(arguments: [
        (0, 3, 1, false), (2, 3, 3, false), (3, 3, 3, true), (5, 3, 5, true), (0, 0, 1, false),
    ])
    func aClaimCountsAnAttemptButNeverPastTheCap(attempts: Int, max: Int, after: Int, again: Bool) {
        let result = AttemptPolicy.claim(job(attempts: attempts, max: max))
        #expect(result.attempts == after)
        #expect(result.again == again)
    }

    @Test func aReclaimedJobWithAttemptsLeftIsQueuedAgain() {
        #expect(AttemptPolicy.reclaim(job(attempts: 2), mergeTakeovers: 0, now: Date()) == .requeue)
    }

    @Test func aReclaimedJobOutOfAttemptsIsQuarantinedSayingWhere() throws {
        let now = Date(timeIntervalSince1970: 1_000)
        let decision = AttemptPolicy.reclaim(job(attempts: 3, stage: .test), mergeTakeovers: 0, now: now)
        guard case .quarantine(let record) = decision else {
            Issue.record("expected a quarantine, got \(decision)")
            return
        }
        #expect(record.reason == .maxAttempts)
        #expect(record.message == "out of attempts (3/3) after its engine stopped during test")
        #expect(record.payload == "last state: running\nlast stage: test")
        #expect(record.createdAt == now)
    }

    @Test func aJobThatDiedInItsLastMergeGetsOneMoreClaimOnly() {
        let merging = job(attempts: 3, stage: .merge)
        #expect(AttemptPolicy.reclaim(merging, mergeTakeovers: 0, now: Date()) == .requeue)
        guard case .quarantine = AttemptPolicy.reclaim(merging, mergeTakeovers: 1, now: Date()) else {
            Issue.record("a merge taken over once already must not get another claim")
            return
        }
    }

    @Test func anOrphanedMergeIsQuarantinedAfterMaxTakeovers() {
        let merging = job(attempts: 1, max: 2, stage: .merge)
        #expect(AttemptPolicy.orphanedMerge(merging, takeovers: 1, now: Date()) == nil)
        let record = AttemptPolicy.orphanedMerge(merging, takeovers: 2, now: Date())
        #expect(record?.message == "its merge was interrupted 2 times; check the integration branch")
    }

    @Test(arguments: [
        (RejectPolicy.retryWithFeedback, true, 1, true),
        (.retryWithFeedback, false, 1, false),
        (.retryWithFeedback, true, 3, false),
        (.end, true, 1, false),
    ])
    func aRejectionRetriesOnlyWithFeedbackAndAnAttemptLeft(
        policy: RejectPolicy, feedback: Bool, attempts: Int, retries: Bool
    ) {
        #expect(
            AttemptPolicy.retriesAfterRejection(
                job(attempts: attempts), policy: policy, hasFeedback: feedback)
                == retries)
    }
}
