import Foundation
import Testing

@testable import PilothouseConsole

@Suite struct KeymapTests {
    @Test func defaultsCoverTheIssueKeys() {
        let map = Keymap.default
        let expected: [(String, ConsoleAction)] = [
            ("tab", .nextPane), ("shift-tab", .previousPane), ("1", .focusJobs), ("5", .focusApprovals),
            ("j", .down),
            ("down", .down), ("k", .up), ("g", .top), ("G", .bottom), ("pgup", .pageUp), ("pgdn", .pageDown),
            ("enter", .open), ("esc", .back), ("/", .filter), (":", .command), ("a", .approve),
            ("r", .reject),
            ("R", .retry), ("c", .cancel), ("p", .pause), ("P", .pauseEngine), ("d", .drop), ("u", .release),
            ("z", .zoom), ("t", .nextTheme), ("q", .quit), ("space", .mark), ("n", .nextHunk),
            ("N", .previousHunk),
            ("?", .help),
        ]
        for (name, action) in expected {
            #expect(map.action(for: KeyName.parse(name)!) == action, "\(name)")
        }
    }

    @Test func overridesReplaceAndDisable() throws {
        let map = try Keymap(overrides: [
            "approve": ["y", "<c-a>"], "drop": ["<disabled>"], "quit": ["<esc>"], "back": ["x"],
        ])
        #expect(map.keys(for: .approve) == [.char("y"), .ctrl("a")])
        #expect(map.action(for: .char("a")) == nil)
        #expect(map.keys(for: .drop).isEmpty)
        #expect(map.keyLabel(for: .drop) == "(none)")
        #expect(map.action(for: .esc) == .quit)
        #expect(
            map.helpLines(readOnly: false).contains(
                .binding(keys: "(none)", summary: ConsoleAction.drop.summary)))
    }

    @Test func unknownActionsAreNamed() {
        #expect(throws: KeymapError.unknownActions(["aprove", "frobnicate"])) {
            try Keymap(overrides: ["frobnicate": ["x"], "aprove": ["a"], "reject": ["r"]])
        }
        let message = KeymapError.unknownActions(["aprove"]).description
        #expect(message.contains("'aprove'"))
        #expect(message.contains("approve"))
    }

    @Test func unknownKeysAndConflictsAreErrors() {
        #expect(throws: KeymapError.unknownKey(action: "approve", key: "hyper-a")) {
            try Keymap(overrides: ["approve": ["hyper-a"]])
        }
        #expect(throws: KeymapError.conflict(key: "r", actions: ["approve", "reject"])) {
            try Keymap(overrides: ["approve": ["r"]])
        }
        // Moving a key away first makes the swap legal.
        #expect(throws: Never.self) { try Keymap(overrides: ["approve": ["r"], "reject": ["a"]]) }
    }

    @Test(arguments: ConsoleAction.allCases)
    func keyNamesRoundTrip(action: ConsoleAction) {
        for name in action.defaultKeys {
            let key = KeyName.parse(name)
            #expect(key != nil, "\(name)")
            #expect(key.map(KeyName.name(of:)) == name)
        }
    }

    @Test func lazygitSpellings() {
        #expect(KeyName.parse("<enter>") == .enter)
        #expect(KeyName.parse("<c-c>") == .ctrl("c"))
        #expect(KeyName.parse("<backtab>") == .backTab)
        #expect(KeyName.parse("<pgdown>") == .pageDown)
        #expect(KeyName.parse("<space>") == .char(" "))
        #expect(KeyName.parse("<") == .char("<"))
        #expect(KeyName.parse("F5") == .function(5))
        #expect(KeyName.parse("ctrl-") == nil)
    }
}

/// Docs/KEYS.md is generated from the keymap table; this keeps the committed file current.
@Suite struct KeymapDocumentTests {
    static let path: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/Docs/KEYS.md"
    }()

    @Test func keysDocumentIsUpToDate() throws {
        let generated = Keymap.markdown()
        if Snapshot.isRecording {
            try generated.write(toFile: Self.path, atomically: true, encoding: .utf8)
            return
        }
        let committed = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(
            committed == generated,
            "Docs/KEYS.md is stale; regenerate with PILOTHOUSE_RECORD_SNAPSHOTS=1 swift test --filter KeymapDocumentTests"
        )
    }

    @Test func everyActionIsDocumentedWithItsKeys() {
        let text = Keymap.markdown()
        for action in ConsoleAction.allCases {
            #expect(text.contains("`\(action.rawValue)`"))
        }
        let help = Keymap.default.helpLines(readOnly: true)
        #expect(
            help.contains(.binding(keys: "a", summary: ConsoleAction.approve.summary + " (off: read-only)")))
    }
}
