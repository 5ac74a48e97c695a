import Testing

@testable import PilothouseConsole

@Suite struct CanvasTests {
    @Test func newCanvasIsBlank() {
        let canvas = Canvas(width: 3, height: 2)
        #expect(canvas.lines == ["   ", "   "])
        #expect(canvas.rowText(5) == "")
        #expect(canvas[-1, 0] == .blank)
    }

    @Test func putWritesStyledText() {
        var canvas = Canvas(width: 6, height: 1)
        let style = Style(foreground: .red, attributes: .bold)
        let end = canvas.put("hi", at: Point(x: 1, y: 0), style: style)
        #expect(end == 3)
        #expect(canvas.rowText(0) == " hi   ")
        #expect(canvas[1, 0].style == style)
        #expect(canvas[3, 0].style == .plain)
    }

    @Test func wideCharactersTakeTwoCells() {
        var canvas = Canvas(width: 6, height: 1)
        canvas.put("中a文", x: 0, y: 0)
        #expect(canvas[0, 0].character == "中")
        #expect(canvas[0, 0].width == 2)
        #expect(canvas[1, 0].isContinuation)
        #expect(canvas[2, 0].character == "a")
        #expect(canvas[3, 0].character == "文")
        #expect(canvas[4, 0].isContinuation)
        #expect(canvas.rowText(0) == "中a文 ")
        var emoji = Canvas(width: 4, height: 1)
        emoji.put("😀!", x: 0, y: 0)
        #expect(emoji.rowText(0) == "😀! ")
    }

    @Test func wideCharacterAtRightEdgeBecomesSpace() {
        var canvas = Canvas(width: 5, height: 1)
        canvas.put("ab中文", x: 0, y: 0)
        // 中 at columns 2–3 fits; 文 would need 4–5 and the grid ends at 4.
        #expect(canvas.rowText(0) == "ab中 ")
        #expect(canvas[4, 0].width == 1)
    }

    @Test func wideCharacterClippedOnLeftBecomesSpace() {
        var canvas = Canvas(width: 6, height: 1)
        canvas.fill(canvas.bounds, with: ".")
        canvas.put("中文", x: 1, y: 0, clip: Rect(x: 2, y: 0, width: 4, height: 1))
        #expect(canvas.rowText(0) == ".. 文.")
        canvas.put("中x", x: -1, y: 0)
        #expect(canvas.rowText(0) == " x 文.")
    }

    @Test func clipRectLimitsWrites() {
        var canvas = Canvas(width: 10, height: 3)
        let clip = Rect(x: 2, y: 1, width: 4, height: 1)
        canvas.put("abcdefgh", x: 0, y: 1, clip: clip)
        canvas.put("zzzz", x: 2, y: 0, clip: clip)
        #expect(canvas.lines == ["          ", "  cdef    ", "          "])
    }

    @Test func ellipsisTruncation() {
        var canvas = Canvas(width: 8, height: 3)
        canvas.put("hello world", x: 0, y: 0, overflow: .ellipsis)
        canvas.put("short", x: 0, y: 1, overflow: .ellipsis)
        canvas.put("ab中文字", x: 2, y: 2, overflow: .ellipsis)
        #expect(canvas.rowText(0) == "hello w…")
        #expect(canvas.rowText(1) == "short   ")
        // "ab中" fills columns 2–5; 文 would reach column 7 where the ellipsis goes: pad with a space.
        #expect(canvas.rowText(2) == "  ab中 …")
        var clipped = Canvas(width: 10, height: 1)
        clipped.put("abcdefgh", x: 1, y: 0, clip: Rect(x: 0, y: 0, width: 5, height: 1), overflow: .ellipsis)
        #expect(clipped.rowText(0) == " abc…     ")
    }

    @Test func oddInputNeverCrashes() {
        var canvas = Canvas(width: 4, height: 2)
        canvas.put("far away", x: 1000, y: 0)
        canvas.put("negative", x: -1000, y: -5)
        canvas.put("below", x: 0, y: 99)
        canvas.put("", x: 0, y: 0, overflow: .ellipsis)
        canvas.put(String(repeating: "x", count: 10_000), x: -3, y: 1, overflow: .ellipsis)
        canvas.put("\u{1B}[2J\u{7}", x: 0, y: 0)
        canvas.put("\u{200B}\u{301}", x: 0, y: 0)
        canvas.fill(Rect(x: -5, y: -5, width: 100, height: 1))
        canvas.box(Rect(x: -3, y: -3, width: 0, height: 0))
        canvas.gauge(Rect(x: 2, y: 1, width: -4, height: 1), fraction: .nan)
        canvas.gauge(Rect(x: 0, y: 1, width: 4, height: 1), fraction: .infinity)
        #expect(canvas.rowText(0) == "�[2J")

        var empty = Canvas(width: -3, height: -1)
        empty.put("x", x: 0, y: 0)
        empty.box(empty.bounds, title: "t")
        #expect(empty.lines == [])
        #expect(empty.changes(from: nil) == [])
        let huge = Canvas(width: Int.max, height: 1)
        #expect(huge.width == Canvas.maximumDimension)
    }

    @Test func overwritingHalfAWideCharacterClearsTheOtherHalf() {
        var canvas = Canvas(width: 4, height: 1)
        canvas.put("中文", x: 0, y: 0)
        canvas.put("x", x: 1, y: 0)
        #expect(canvas.rowText(0) == " x文")
        canvas.put("y", x: 2, y: 0)
        #expect(canvas.rowText(0) == " xy ")
        #expect(canvas.cells.allSatisfy { $0.width == 1 })
    }

    @Test func fillAndRestyle() {
        var canvas = Canvas(width: 4, height: 3)
        canvas.fill(Rect(x: 1, y: 1, width: 2, height: 5), with: "#")
        #expect(canvas.lines == ["    ", " ## ", " ## "])
        canvas.fill(Rect(x: 0, y: 0, width: 1, height: 1), with: "中")
        #expect(canvas[0, 0].character == " ")
        canvas.restyle(canvas.bounds.row(1)) { $0.adding(.reverse) }
        #expect(canvas[3, 1].style.attributes == .reverse)
        #expect(canvas[3, 1].character == " ")
        #expect(canvas[3, 0].style.attributes == [])
    }

    @Test func drawComposesCanvases() {
        var pane = Canvas(width: 3, height: 1)
        pane.put("a中", x: 0, y: 0)
        var screen = Canvas(width: 4, height: 2)
        screen.draw(pane, at: Point(x: 2, y: 1))
        #expect(screen.lines == ["    ", "  a "])
    }

    @Test func boxWithTitle() {
        var canvas = Canvas(width: 12, height: 4)
        canvas.box(canvas.bounds, title: "Jobs")
        #expect(
            canvas.lines == [
                "╭─ Jobs ───╮",
                "│          │",
                "│          │",
                "╰──────────╯",
            ])
    }

    @Test func boxTruncatesLongTitleAndSupportsGlyphSets() {
        var canvas = Canvas(width: 10, height: 3)
        canvas.box(canvas.bounds, title: "Quarantine records", glyphs: .single)
        #expect(canvas.lines == ["┌─ Qua… ─┐", "│        │", "└────────┘"])
        var tiny = Canvas(width: 5, height: 2)
        tiny.box(tiny.bounds, title: "Jobs", glyphs: .ascii)
        #expect(tiny.lines == ["+---+", "+---+"])
    }

    @Test func boxTitleStyle() {
        var canvas = Canvas(width: 10, height: 3)
        let title = Style(attributes: .bold)
        canvas.box(canvas.bounds, style: Style(foreground: .blue), title: "A", titleStyle: title)
        #expect(canvas[3, 0].character == "A")
        #expect(canvas[3, 0].style == title)
        #expect(canvas[1, 0].style.foreground == .blue)
    }

    @Test func gaugeWithPercentage() {
        var canvas = Canvas(width: 14, height: 1)
        canvas.gauge(canvas.bounds, fraction: 0.5)
        #expect(canvas.rowText(0) == "▰▰▰▰▰▱▱▱▱▱ 50%")
    }

    @Test func gaugeWithIntegerValuesAndLabel() {
        var canvas = Canvas(width: 20, height: 2)
        canvas.gauge(canvas.bounds.row(0), value: 1_200_000, total: 5_000_000, label: "$1.20/$5.00")
        canvas.gauge(canvas.bounds.row(1), value: 7, total: 5)
        #expect(canvas.rowText(0) == "▰▰▱▱▱▱▱▱ $1.20/$5.00")
        #expect(canvas.rowText(1) == "▰▰▰▰▰▰▰▰▰▰▰▰▰▰▰ 140%")
    }

    @Test func gaugeEdgeValues() {
        var canvas = Canvas(width: 9, height: 4)
        canvas.gauge(canvas.bounds.row(0), fraction: 0)
        canvas.gauge(canvas.bounds.row(1), fraction: 0.01)
        canvas.gauge(canvas.bounds.row(2), fraction: 0.99)
        canvas.gauge(canvas.bounds.row(3), value: 3, total: 0)
        #expect(canvas.lines == ["▱▱▱▱▱▱ 0%", "▰▱▱▱▱▱ 1%", "▰▰▰▰▱ 99%", "▱▱▱▱▱▱ 0%"])
    }

    @Test func gaugeBlocksUseEighths() {
        var canvas = Canvas(width: 8, height: 1)
        canvas.gauge(canvas.bounds, fraction: 0.5625, label: "", glyphs: .blocks)
        #expect(canvas.rowText(0) == "████▌░░░")
    }

    @Test func gaugeTooNarrowShowsLabelOnly() {
        var canvas = Canvas(width: 4, height: 1)
        canvas.gauge(canvas.bounds, fraction: 0.5, label: "12345")
        #expect(canvas.rowText(0) == "123…")
    }

    @Test func gaugeStyles() {
        var canvas = Canvas(width: 8, height: 1)
        let fill = Style(foreground: .green)
        let empty = Style(foreground: .indexed(238))
        canvas.gauge(canvas.bounds, fraction: 0.5, fillStyle: fill, emptyStyle: empty)
        #expect(canvas[0, 0].style == fill)
        #expect(canvas[3, 0].style == empty)
        #expect(canvas[6, 0].style == .plain)
    }
}
