import PilothouseCore
import Testing

@testable import PilothouseEngine

/// `[notify]`: channels per kind, the command, thresholds, and errors that name the line.
@Suite struct NotifyConfigTests {
    @Test func defaultsWithoutASection() throws {
        let config = try PilothouseConfig.parse("", path: "p.toml")
        #expect(config.console.notify == NotifySettings())
        #expect(config.console.notify.channels(for: .approvalWaiting) == [.bell, .desktop])
    }

    @Test func readsChannelsCommandAndThresholds() throws {
        let config = try PilothouseConfig.parse(
            """
            [notify]
            approval_waiting = ["bell", "command"]
            run_finished = []
            notify_command = ["notify-send", "--app-name", "pilothouse"]
            rate_limited_after_seconds = 30
            digest_seconds = 10
            """, path: "p.toml")
        let notify = config.console.notify
        #expect(notify.channels(for: .approvalWaiting) == [.bell, .command])
        #expect(notify.channels(for: .runFinished).isEmpty)
        #expect(notify.channels(for: .quarantined) == [.bell, .desktop])
        #expect(notify.command == ["notify-send", "--app-name", "pilothouse"])
        #expect(notify.rateLimitedAfterSeconds == 30)
        #expect(notify.digestSeconds == 10)
    }

    @Test func disabledMeansNothing() throws {
        let config = try PilothouseConfig.parse("[notify]\nenabled = false\n", path: "p.toml")
        for kind in NotificationKind.allCases { #expect(config.console.notify.channels(for: kind).isEmpty) }
    }

    @Test(arguments: [
        ("[notify]\napproval_waiting = [\"beep\"]\n", "notify.approval_waiting", 2),
        ("[notify]\nquarantined = [\"command\"]\n", "notify.quarantined", 2),
        ("[notify]\n\nnotify_command = []\n", "notify.notify_command", 3),
        ("[notify]\napprovals = [\"bell\"]\n", "notify.approvals", 2),
    ])
    func mistakesNameTheKeyAndLine(text: String, key: String, line: Int) {
        #expect {
            try PilothouseConfig.parse(text, path: "p.toml")
        } throws: { error in
            switch error as? ConfigError {
            case .invalidValue(_, let l, let k, _, _)?: return k == key && l == line
            case .unknownKey(_, let l, let k, _)?: return k == key && l == line
            default: return false
            }
        }
    }
}
