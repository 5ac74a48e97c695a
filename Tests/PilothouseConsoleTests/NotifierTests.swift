import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

/// When the operator is told: once per thing, not about what they look at, a digest for a burst.
@Suite struct NotifierTests {
    let t0 = Fixtures.base

    func approval(_ n: Int, attempt: Int = 1) -> EngineEvent {
        .approvalRequested(
            ApprovalRequest(
                jobID: Fixtures.id(n), attempt: attempt, title: "job \(n)", diff: Fixtures.cleanDiff))
    }

    @Test func approvalIsAnnouncedOnceAtOnce() throws {
        var notifier = Notifier()
        notifier.observe(approval(1), at: t0, looking: .jobs)
        let taken1 = notifier.take(at: t0)
        let first = try #require(taken1)
        #expect(first.kind == "approval_waiting")
        #expect(first.message.contains("job 1"))
        #expect(notifier.channels(for: first) == [.bell, .desktop])
        // The same request again (a repeated snapshot delta) is not news.
        notifier.observe(approval(1), at: t0, looking: .jobs)
        let taken2 = notifier.take(at: t0.addingTimeInterval(60))
        #expect(taken2 == nil)
        // A new attempt of the same job is.
        notifier.observe(approval(1, attempt: 2), at: t0, looking: .jobs)
        let taken3 = notifier.take(at: t0.addingTimeInterval(60))
        #expect(taken3 != nil)
    }

    @Test func nothingWhileTheOperatorLooksAtThatPane() {
        var notifier = Notifier()
        notifier.observe(approval(1), at: t0, looking: .approvals)
        let taken4 = notifier.take(at: t0)
        #expect(taken4 == nil)
        let record = QuarantineRecord(
            jobID: Fixtures.id(7), reason: .policyViolation, message: "wrote .git/config")
        notifier.observe(.quarantineAdded(record), at: t0, looking: .quarantine)
        let taken5 = notifier.take(at: t0)
        #expect(taken5 == nil)
        #expect(notifier.nextDeadline() == nil)
    }

    @Test func snapshotContentsAreNotNews() {
        var notifier = Notifier()
        let request = ApprovalRequest(jobID: Fixtures.id(1), attempt: 1, title: "x", diff: Fixtures.cleanDiff)
        notifier.observe(
            .snapshot(EngineSnapshot(jobs: Fixtures.jobs, approvals: [request])), at: t0, looking: .jobs)
        notifier.observe(approval(1), at: t0, looking: .jobs)
        let taken6 = notifier.take(at: t0)
        #expect(taken6 == nil)
    }

    @Test func aBurstBecomesOneDigestAfterTheFirst() throws {
        var notifier = Notifier(settings: NotifySettings(digestSeconds: 5))
        notifier.observe(approval(1), at: t0, looking: .jobs)
        let taken7 = notifier.take(at: t0)
        #expect(try #require(taken7).items.count == 1)
        for n in 2...40 { notifier.observe(approval(n), at: t0.addingTimeInterval(1), looking: .jobs) }
        let record = QuarantineRecord(jobID: Fixtures.id(99), reason: .secretDetected, message: "key")
        notifier.observe(.quarantineAdded(record), at: t0.addingTimeInterval(2), looking: .jobs)
        let taken8 = notifier.take(at: t0.addingTimeInterval(2))
        #expect(taken8 == nil)
        #expect(notifier.nextDeadline() == t0.addingTimeInterval(5))
        let taken9 = notifier.take(at: t0.addingTimeInterval(5))
        let digest = try #require(taken9)
        #expect(digest.kind == "digest")
        #expect(digest.items.count == 40)
        #expect(digest.message == "39 patches waiting for approval, record quarantined")
        let taken10 = notifier.take(at: t0.addingTimeInterval(60))
        #expect(taken10 == nil)
    }

    @Test func budgetHoldAndTheSwarmGoingIdle() throws {
        var notifier = Notifier()
        notifier.observe(
            .snapshot(EngineSnapshot(jobs: [Fixtures.job(5, "a", state: .queued)])), at: t0, looking: .jobs)
        notifier.observe(.jobChanged(Fixtures.job(5, "a", state: .budgetHold)), at: t0, looking: .beads)
        let taken11 = notifier.take(at: t0)
        let notification = try #require(taken11)
        #expect(notification.items.map(\.kind) == [.budgetHold, .runFinished])
        // Held again without being released first: still the same hold.
        notifier.observe(.jobChanged(Fixtures.job(5, "a", state: .budgetHold)), at: t0, looking: .beads)
        let taken12 = notifier.take(at: t0.addingTimeInterval(60))
        #expect(taken12 == nil)
    }

    @Test func aLaneIsAnnouncedOnlyAfterStayingLimited() throws {
        var notifier = Notifier(settings: NotifySettings(rateLimitedAfterSeconds: 120))
        let limited = Gauges(models: [
            ModelGauge(model: "sim:fast", requestsPerMinute: 60, requestsPerMinuteLimit: 60)
        ])
        let free = Gauges(models: [
            ModelGauge(model: "sim:fast", requestsPerMinute: 10, requestsPerMinuteLimit: 60)
        ])
        notifier.observe(.gauges(limited), at: t0, looking: .jobs)
        let taken13 = notifier.take(at: t0.addingTimeInterval(60))
        #expect(taken13 == nil)
        // Free for a moment: the clock starts again.
        notifier.observe(.gauges(free), at: t0.addingTimeInterval(61), looking: .jobs)
        notifier.observe(.gauges(limited), at: t0.addingTimeInterval(62), looking: .jobs)
        let taken14 = notifier.take(at: t0.addingTimeInterval(150))
        #expect(taken14 == nil)
        #expect(notifier.nextDeadline() == t0.addingTimeInterval(182))
        let taken15 = notifier.take(at: t0.addingTimeInterval(182))
        let notification = try #require(taken15)
        #expect(notification.items.first?.model == "sim:fast")
        let taken16 = notifier.take(at: t0.addingTimeInterval(600))
        #expect(taken16 == nil)
    }

    @Test func commandChannelNeedsACommandAndOffMeansOff() {
        var settings = NotifySettings(channels: [.approvalWaiting: [.bell, .command]])
        #expect(settings.channels(for: .approvalWaiting) == [.bell])
        settings.command = ["notify-send"]
        #expect(settings.channels(for: .approvalWaiting) == [.bell, .command])
        var off = Notifier(settings: .off)
        off.observe(approval(1), at: t0, looking: .jobs)
        let taken17 = off.take(at: t0)
        #expect(taken17 == nil)
    }

    @Test func jsonForTheCommandIsSnakeCase() throws {
        let item = OperatorNotification.Item(kind: .approvalWaiting, jobID: Fixtures.id(1), text: "x")
        let json = try #require(
            String(data: OperatorNotification(items: [item], at: t0).json(), encoding: .utf8))
        #expect(json.contains("\"job_id\":\"\(Fixtures.id(1).rawValue)\""))
        #expect(json.contains("\"kind\":\"approval_waiting\""))
        #expect(json.contains("\"at\":\"2025-06-15T15:06:40Z\""))
    }
}

/// The bytes on the wire: BEL, OSC 9, OSC 777, tmux's passthrough, and nothing a title can inject.
@Suite struct NotificationSequenceTests {
    @Test func plainTerminalGetsBothOSCs() {
        let bytes = NotificationSequence.desktop(
            title: "Pilothouse", message: "patch waiting", insideTmux: false)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "\u{1B}]9;Pilothouse: patch waiting\u{07}\u{1B}]777;notify;Pilothouse;patch waiting\u{07}")
    }

    @Test func tmuxWrapsEachSequenceAndDoublesEscapes() {
        let bytes = NotificationSequence.desktop(title: "T", message: "m", insideTmux: true)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "\u{1B}Ptmux;\u{1B}\u{1B}]9;T: m\u{07}\u{1B}\\"
                + "\u{1B}Ptmux;\u{1B}\u{1B}]777;notify;T;m\u{07}\u{1B}\\")
    }

    @Test func hostileTitlesCannotEndTheSequence() {
        let title = "job\u{07}\u{1B}]0;owned\u{1B}\\;x\u{9C}\n"
        let bytes = NotificationSequence.desktop(title: "T", message: title, insideTmux: false)
        let text = String(decoding: bytes, as: UTF8.self)
        // Exactly the two framing ESCs and BELs, and only the field separators of OSC 777.
        #expect(bytes.filter { $0 == 0x1B }.count == 2)
        #expect(bytes.filter { $0 == 0x07 }.count == 2)
        #expect(!text.contains("\u{9C}") && !text.contains("\n"))
        #expect(text.contains("777;notify;T;job  ]0,owned \\,x"))
        let long = NotificationSequence.desktop(
            title: "T", message: String(repeating: "x", count: 10_000), insideTmux: false)
        #expect(long.count < 500)
    }
}
