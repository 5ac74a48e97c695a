import Foundation
import PilothouseCore
import Testing

@testable import PilothouseConsole

@Suite struct DiffViewStateTests {
    @Test func flattensFilesHunksAndLineNumbers() {
        let view = DiffViewState(jobID: Fixtures.id(1), diff: Fixtures.cleanDiff)
        #expect(view.parseError == nil)
        #expect(view.files.map(\.path) == ["Sources/App/Worker.swift", "README.md"])
        #expect(view.files.map(\.added) == [3, 1])
        #expect(view.hunkCount == 3)
        #expect(view.hunkFiles == [0, 0, 1])
        let firstAdded = view.rows.first { $0.kind == .line(.added) }
        #expect(firstAdded?.text == "    var retries: Int")
        #expect(firstAdded?.newNumber == 11)
        #expect(firstAdded?.oldNumber == nil)
        // Side by side pairs the removed line with the first added one.
        let pair = view.sideRows.first { $0.left != nil && $0.right != nil && $0.left != $0.right }
        #expect(pair.map { view.rows[$0.left!].text } == "    var retries = 3")
        #expect(pair.map { view.rows[$0.right!].text } == "    var retries: Int")
        #expect(view.sideRows.count < view.rows.count)
    }

    @Test func nonUTF8BytesDisplayAsReplacement() {
        let view = DiffViewState(jobID: Fixtures.id(2), diff: Fixtures.latin1Diff)
        #expect(view.parseError == nil)
        let removed = view.rows.first { $0.kind == .line(.removed) }
        #expect(removed?.text == "caf\u{FFFD} cr\u{FFFD}me")
        var canvas = Canvas(width: 80, height: 10)
        let model = Fixtures.model()
        _ = DiffView.render(
            view, request: Fixtures.approvals[1], model: model, into: &canvas, rect: canvas.bounds,
            theme: .dark,
            sideBySide: false)
        #expect(canvas.lines.contains { $0.contains("-caf\u{FFFD} cr\u{FFFD}me") })
        #expect(canvas.lines.contains { $0.contains("+café crème") })
    }

    @Test func garbageShowsAnErrorLineAndTheBytes() {
        let view = DiffViewState(jobID: Fixtures.id(2), diff: Fixtures.garbageDiff)
        #expect(view.parseError != nil)
        #expect(view.hunkCount == 0)
        #expect(view.rows.first?.kind == .parseError)
        #expect(view.rows.first?.text.hasPrefix("cannot parse this patch: line 1") == true)
        var canvas = Canvas(width: 200, height: 20)
        _ = DiffView.render(
            view, request: nil, model: Fixtures.model(), into: &canvas, rect: canvas.bounds, theme: .dark,
            sideBySide: true)
        #expect(canvas.lines.contains { $0.contains("cannot parse this patch") })
        #expect(canvas.lines.contains { $0.contains("hello") })
        // No hunks: approving sends the whole patch and the engine decides.
        var model = Fixtures.model()
        model.diff = view
        #expect(model.handle(.char(" "), keymap: .default) == [])
        #expect(model.handle(.char("a"), keymap: .default) == [.send(.approve(Fixtures.id(2)))])
    }

    @Test func emptyAndRandomInputsNeverCrash() {
        for length in [0, 1, 7, 64, 500] {
            // Scrambled but fixed bytes (Knuth's multiplicative hash), so a failure replays.
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: (UInt64($0) &* 2_654_435_761) >> 11) }
            var view = DiffViewState(jobID: Fixtures.id(1), diff: Data(bytes))
            view.scroll(by: 5, sideBySide: true)
            view.scroll(by: -50, sideBySide: false)
            view.jumpToHunk(3)
            _ = view.toggleCurrentHunk()
            var canvas = Canvas(width: 170, height: 30)
            _ = DiffView.render(
                view, request: nil, model: Fixtures.model(), into: &canvas, rect: canvas.bounds, theme: .dark,
                sideBySide: true)
        }
    }

    @Test func scrollingKeepsCurrentHunkInStep() {
        var view = DiffViewState(jobID: Fixtures.id(1), diff: Fixtures.cleanDiff)
        view.jumpToHunk(2)
        #expect(view.currentHunk == 2)
        #expect(view.rows[view.top].kind == .fileHeader(file: 1))
        view.scroll(by: -100, sideBySide: false)
        #expect(view.top == 0 && view.currentHunk == 0)
        view.scrollToEnd(height: 5, sideBySide: false)
        #expect(view.top == view.rows.count - 5)
        #expect(view.currentHunk == 2)
        view.scroll(by: -1, sideBySide: true)
        #expect(view.sideIndex(forRow: view.top) < view.sideIndex(forRow: view.rows.count - 5))
    }

    @Test(arguments: [false, true])
    func theCursorStaysOnScreenAndScrollsTheView(sideBySide: Bool) {
        var view = DiffViewState(jobID: Fixtures.id(1), diff: Fixtures.cleanDiff)
        let height = 4
        #expect(view.rows[view.cursor].kind == .line(.context))
        for _ in 0..<(view.rows.count + 3) {
            view.moveCursor(by: 1, height: height, sideBySide: sideBySide)
            #expect(view.cursor >= view.top)
            #expect(view.cursor <= view.lastVisibleRow(height: height, sideBySide: sideBySide))
        }
        #expect(view.cursor == view.rows.count - 1)
        #expect(view.top > 0)
        for _ in 0..<(view.rows.count + 3) {
            view.moveCursor(by: -1, height: height, sideBySide: sideBySide)
            #expect(view.cursor >= view.top)
        }
        #expect(view.cursor == 0 && view.top == 0)
    }

    @Test func removedAndAddedLinesArePartnersForWordEmphasis() {
        let view = DiffViewState(jobID: Fixtures.id(1), diff: Fixtures.cleanDiff)
        let removed = view.rows.firstIndex { $0.kind == .line(.removed) }!
        let partner = Int(view.partners[removed])
        #expect(view.rows[partner].kind == .line(.added))
        #expect(Int(view.partners[partner]) == removed)
        let context = view.rows.firstIndex { $0.kind == .line(.context) }!
        #expect(view.partners[context] == -1)
    }
}
