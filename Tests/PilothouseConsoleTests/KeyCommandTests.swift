import PilothouseCore
import Testing

@testable import PilothouseConsole

/// Keys in, commands out: what the operator presses and what the engine would receive.
@Suite struct KeyCommandTests {
    func press(_ keys: [Key], on model: inout ConsoleModel, keymap: Keymap = .default) -> [ConsoleEffect] {
        keys.flatMap { model.handle($0, keymap: keymap) }
    }

    func type(_ text: String) -> [Key] { text.map { Key.char($0) } }

    @Test func approveSelectedJob() {
        var model = Fixtures.model()
        #expect(model.selectedJobID == Fixtures.id(1))
        #expect(press([.char("a")], on: &model) == [.send(.approve(Fixtures.id(1)))])
        #expect(model.status.tone == .pending)
    }

    @Test func approveRefusesJobNotWaiting() {
        var model = Fixtures.model()
        _ = press([.char("j")], on: &model)  // job 4, running
        #expect(press([.char("a")], on: &model) == [])
        #expect(model.status.tone == .error)
        #expect(model.status.text.contains("not awaiting approval"))
    }

    @Test func rejectAsksForReason() {
        var model = Fixtures.model()
        _ = press([.char("5"), .char("j"), .char("r")], on: &model)
        #expect(model.prompt?.purpose == .rejectReason([Fixtures.id(2)]))
        #expect(press([.enter], on: &model) == [])  // empty reason is refused
        #expect(model.prompt != nil)
        let effects = press(type("wrong encoding") + [.enter], on: &model)
        #expect(effects == [.send(.reject(Fixtures.id(2), reason: "wrong encoding"))])
        #expect(model.prompt == nil)
    }

    @Test func rejectPromptKeysAreTextNotActions() {
        var model = Fixtures.model()
        _ = press([.char("r")], on: &model)
        let effects = press(type("q a d") + [.backspace, .char("x"), .enter], on: &model)
        #expect(effects == [.send(.reject(Fixtures.id(1), reason: "q a x"))])
    }

    @Test func dropNeedsConfirmation() {
        var model = Fixtures.model()
        _ = press([.char("4")], on: &model)
        #expect(press([.char("d")], on: &model) == [])
        #expect(model.confirmation != nil)
        #expect(
            press([.char("y")], on: &model) == [
                .send(.dropQuarantine(Fixtures.id(71), reason: "dropped by operator"))
            ])
        // Any other key cancels.
        _ = press([.char("d")], on: &model)
        #expect(press([.char("n")], on: &model) == [])
        #expect(model.status.text == "cancelled")
    }

    @Test func quarantineRetryAndReleaseFromRecord() {
        var model = Fixtures.model()
        _ = press([.char("4"), .char("j"), .enter], on: &model)
        #expect(model.overlay == .quarantineRecord(Fixtures.id(72), top: 0))
        // Each asks first, saying what happens to the job. R asks for an optional note for the
        // model and retries on enter; u and d take y, anything else cancels.
        #expect(press([.char("R")], on: &model) == [])
        #expect(model.overlay == nil)
        #expect(
            model.prompt?.question
                == "retry quarantined record 00000072 (malformed_output)? it has no job; the record is deleted. enter retries, esc cancels"
        )
        #expect(press([.enter], on: &model) == [.send(.retryQuarantine(Fixtures.id(72)))])
        #expect(press([.char("u")], on: &model) == [])
        #expect(model.confirmation?.question.hasPrefix("release quarantined record 00000072") == true)
        #expect(press([.char("n")], on: &model) == [])
        #expect(press([.char("u"), .char("y")], on: &model) == [.send(.releaseQuarantine(Fixtures.id(72)))])
    }

    /// R's note reaches the command verbatim (trimmed); esc sends nothing; the question is on
    /// screen in full at 80 columns while the note is typed.
    @Test func quarantineRetryTakesANoteForTheModel() {
        var model = Fixtures.model()
        let record = QuarantineRecord(
            id: Fixtures.id(90), jobID: Fixtures.id(7), reason: .maxAttempts, message: "out of attempts")
        model.apply(.jobChanged(Fixtures.job(7, "Escape shell arguments", state: .quarantined, attempts: 3)))
        model.apply(.quarantineAdded(record))
        _ = press([.char("4")], on: &model)
        while model.selectedQuarantine?.id != record.id {
            let before = model.selectedQuarantineIndex
            _ = press([.char("j")], on: &model)
            if model.selectedQuarantineIndex == before { break }
        }
        _ = press([.char("R")], on: &model)
        let question = model.prompt?.question ?? ""
        #expect(question.contains("job 00000007 goes back to the queue with its tries reset to 0/3"))
        let note = "  Use shlex.quote, not \"'\" + s + \"'\"; keep `run()` unchanged.  "
        let typed = press(note.map { Key.char($0) } + [.enter], on: &model)
        #expect(
            typed == [
                .send(
                    .retryQuarantine(
                        record.id, note: "Use shlex.quote, not \"'\" + s + \"'\"; keep `run()` unchanged."))
            ])
        _ = press([.char("R")], on: &model)
        let canvas = ConsoleView.render(&model, size: Size(width: 80, height: 24), theme: Fixtures.probeTheme)
        let screen = canvas.lines.joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(screen.contains("goes back to the queue with its tries reset to 0/3; the record is deleted."))
        #expect(screen.contains("note for the model"))
        #expect(press([.esc], on: &model) == [])
        #expect(model.prompt == nil)
        #expect(model.status.text == "cancelled")
    }

    @Test func quarantineQuestionsSayWhatHappensToTheJob() {
        let record = QuarantineRecord(jobID: Fixtures.id(7), reason: .policyViolation, message: "x")
        let spent = Fixtures.job(7, "Escape shell arguments", state: .quarantined, attempts: 3)
        #expect(
            QuarantineConsequence.question(.release, record: record, job: spent).contains(
                "with no tries left (3/3), so it returns to quarantine if it fails again"))
        #expect(
            QuarantineConsequence.question(.drop, record: record, job: spent).contains("is marked failed"))
        #expect(
            QuarantineConsequence.question(.retry, record: record, job: spent).contains(
                "goes back to the queue with its tries reset to 0/3"))
        #expect(QuarantineConsequence.question(.release, record: record, job: nil).contains("it has no job"))
    }

    @Test func spaceMarksSeveralForOneAction() {
        var model = Fixtures.model()
        // Jobs 1 and 2 are awaiting approval; in priority order they are rows 0 and 3 (P0 1, 4, 7, then P1 2).
        _ = press([.char(" ")], on: &model)
        _ = press([.char("j"), .char("j"), .char(" ")], on: &model)
        #expect(model.marks == [Fixtures.id(1), Fixtures.id(2)])
        #expect(
            press([.char("a")], on: &model) == [
                .send(.approve(Fixtures.id(1))), .send(.approve(Fixtures.id(2))),
            ])
        #expect(model.marks.isEmpty)
        _ = press([.char("g"), .char(" "), .char(" ")], on: &model)
        #expect(model.marks.count == 2)
        let effects = press([.char("c")], on: &model)
        #expect(effects.isEmpty)
        #expect(model.confirmation?.question == "cancel 2 jobs? y/n")
        #expect(
            press([.char("y")], on: &model) == [
                .send(.cancel(Fixtures.id(1))), .send(.cancel(Fixtures.id(4))),
            ])
    }

    @Test func pauseTogglesAndEnginePause() {
        var model = Fixtures.model()
        _ = press([.char("G")], on: &model)
        #expect(model.selectedJobID == Fixtures.id(9))
        #expect(press([.char("p")], on: &model) == [.send(.resume(Fixtures.id(9)))])
        _ = press([.char("k")], on: &model)
        #expect(press([.char("p")], on: &model) == [.send(.pause(Fixtures.id(6)))])
        #expect(press([.char("P")], on: &model) == [.send(.pauseEngine)])
        model.apply(.engineStateChanged(.paused))
        #expect(press([.char("P")], on: &model) == [.send(.resumeEngine)])
        #expect(press([.char("R")], on: &model) == [.send(.retry(Fixtures.id(6)))])
    }

    @Test func readOnlyRefusesEveryMutatingKey() {
        var model = Fixtures.model(readOnly: true)
        for action in ConsoleAction.allCases where action.isMutating {
            for key in Keymap.default.keys(for: action) {
                #expect(model.handle(key, keymap: .default) == [], "\(action)")
                #expect(model.status.text.contains("read-only"), "\(action)")
                #expect(model.prompt == nil && model.confirmation == nil)
            }
        }
        _ = press([.char(":")] + type("approve") + [.enter], on: &model)
        #expect(model.status.text.contains("read-only"))
        _ = press([.char(":")] + type("budget day 5") + [.enter], on: &model)
        #expect(model.status.text.contains("read-only"))
        // Looking around still works, and quitting needs no confirmation.
        _ = press([.char("j"), .char("2")], on: &model)
        #expect(model.focus == .beads)
        #expect(press([.char("q")], on: &model) == [.quit])
    }

    @Test func quitConfirmsWhileJobsRun() {
        var model = Fixtures.model()
        #expect(press([.char("q")], on: &model) == [])
        #expect(model.confirmation?.question == "3 jobs are running; quit? y/n")
        #expect(press([.char("y")], on: &model) == [.quit])
        var idle = ConsoleModel(now: Fixtures.now)
        idle.apply(.snapshot(EngineSnapshot()))
        #expect(press([.ctrl("c")], on: &idle) == [.quit])
    }

    @Test func paneNavigationZoomAndTheme() {
        var model = Fixtures.model()
        _ = press([.tab], on: &model)
        #expect(model.focus == .beads)
        _ = press([.backTab, .backTab], on: &model)
        #expect(model.focus == .approvals)
        _ = press([.char("3"), .char("z")], on: &model)
        #expect(model.focus == .gauges && model.zoomed)
        _ = press([.esc], on: &model)
        #expect(!model.zoomed)
        #expect(press([.char("t")], on: &model) == [.nextTheme])
        #expect(press([.ctrl("l")], on: &model) == [.redraw])
        _ = press([.char("?")], on: &model)
        #expect(model.overlay == .help(top: 0))
        _ = press([.esc], on: &model)
        #expect(model.overlay == nil)
    }

    @Test func commandPaletteRunsActionsByName() {
        var model = Fixtures.model()
        #expect(
            press([.char(":")] + type("approve") + [.enter], on: &model) == [.send(.approve(Fixtures.id(1)))])
        #expect(press([.char(":")] + type("next-theme") + [.enter], on: &model) == [.nextTheme])
        #expect(press([.char(":")] + type("zo") + [.enter], on: &model) == [])
        #expect(model.zoomed)
        #expect(
            press([.char(":")] + type("budget day 12.50") + [.enter], on: &model) == [
                .send(.setBudget(scope: "day", limit: Money(micros: 12_500_000)))
            ])
        #expect(
            press([.char(":")] + type("reject not needed") + [.enter], on: &model) == [
                .send(.reject(Fixtures.id(1), reason: "not needed"))
            ])
        _ = press([.char(":")] + type("bogus") + [.enter], on: &model)
        #expect(model.status.tone == .error)
        #expect(model.status.text.contains("unknown command 'bogus'"))
        _ = press([.char(":")] + type("p") + [.enter], on: &model)
        #expect(model.status.text.contains("could be"))
    }

    @Test func diffViewerExcludesHunksForPartialApproval() {
        var model = Fixtures.model()
        _ = press([.enter], on: &model)  // job 1 awaits approval: opens its diff
        let view = try! #require(model.diff)
        #expect(view.hunkCount == 3)
        #expect(view.currentHunk == 0)
        _ = press([.char("n"), .char(" ")], on: &model)
        #expect(model.diff?.currentHunk == 1)
        #expect(model.diff?.excludedHunks == [1])
        #expect(press([.char("a")], on: &model) == [.send(.approveHunks(Fixtures.id(1), [0, 2]))])
        // Including it again approves the whole patch.
        _ = press([.char(" ")], on: &model)
        #expect(press([.char("a")], on: &model) == [.send(.approve(Fixtures.id(1)))])
        // Excluding all is refused.
        _ = press([.char("g"), .char(" "), .char("n"), .char(" "), .char("n"), .char(" ")], on: &model)
        #expect(model.diff?.excludedHunks == [0, 1, 2])
        #expect(press([.char("a")], on: &model) == [])
        #expect(model.status.tone == .error)
        _ = press([.char("N"), .char("N"), .char("N")], on: &model)
        #expect(model.diff?.currentHunk == 0)
        _ = press([.esc], on: &model)
        #expect(model.diff == nil)
    }

    @Test func remappedAndDisabledKeys() throws {
        let keymap = try Keymap(overrides: ["approve": ["y"], "drop": ["<disabled>"]])
        var model = Fixtures.model()
        #expect(press([.char("a")], on: &model, keymap: keymap) == [])
        #expect(press([.char("y")], on: &model, keymap: keymap) == [.send(.approve(Fixtures.id(1)))])
        _ = press([.char("4"), .char("d")], on: &model, keymap: keymap)
        #expect(model.confirmation == nil)
    }
}
