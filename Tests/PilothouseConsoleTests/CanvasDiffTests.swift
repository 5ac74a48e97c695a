import Testing

@testable import PilothouseConsole

@Suite struct CanvasDiffTests {
    @Test func identicalFramesHaveNoChanges() {
        var canvas = Canvas(width: 5, height: 2)
        canvas.put("hello", x: 0, y: 0)
        #expect(canvas.changes(from: canvas) == [])
        #expect(canvas.changedRows(from: canvas) == [])
    }

    @Test func noPreviousFrameRedrawsEverything() {
        let canvas = Canvas(width: 3, height: 2)
        #expect(
            canvas.changes(from: nil) == [CanvasSpan(y: 0, x: 0, width: 3), CanvasSpan(y: 1, x: 0, width: 3)])
        #expect(canvas.changes(from: Canvas(width: 4, height: 2)).count == 2)
    }

    @Test func changedRunsBecomeSpans() {
        let old = Canvas(width: 10, height: 3)
        var new = old
        new.put("ab", x: 2, y: 0)
        new.put("x", x: 7, y: 0)
        new.put("z", x: 9, y: 2)
        #expect(
            new.changes(from: old) == [
                CanvasSpan(y: 0, x: 2, width: 2), CanvasSpan(y: 0, x: 7, width: 1),
                CanvasSpan(y: 2, x: 9, width: 1),
            ])
        #expect(new.changedRows(from: old) == [0, 2])
    }

    @Test func styleChangeAloneIsAChange() {
        var old = Canvas(width: 4, height: 1)
        old.put("abcd", x: 0, y: 0)
        var new = old
        new.restyle(Rect(x: 1, y: 0, width: 2, height: 1)) { $0.adding(.reverse) }
        #expect(new.changes(from: old) == [CanvasSpan(y: 0, x: 1, width: 2)])
    }

    @Test func spansNeverSplitWideCharacters() {
        var old = Canvas(width: 6, height: 1)
        old.put("ab中d", x: 0, y: 0)
        var new = old
        new.put("文", x: 2, y: 0)
        // Only the head differs, but the span must cover both columns of the character.
        #expect(new.changes(from: old) == [CanvasSpan(y: 0, x: 2, width: 2)])
        var restyled = old
        restyled.put("中", x: 2, y: 0, style: Style(attributes: .bold))
        #expect(restyled.changes(from: old) == [CanvasSpan(y: 0, x: 2, width: 2)])
    }

    @Test func replacingWideWithNarrowCoversBothColumns() {
        var old = Canvas(width: 4, height: 1)
        old.put("中", x: 1, y: 0)
        var new = old
        new.put("x", x: 2, y: 0)
        #expect(new.rowText(0) == "  x ")
        #expect(new.changes(from: old) == [CanvasSpan(y: 0, x: 1, width: 2)])
    }
}
