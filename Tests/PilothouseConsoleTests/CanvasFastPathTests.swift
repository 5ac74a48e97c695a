import Testing

@testable import PilothouseConsole

/// `Canvas.put` writes printable ASCII straight into the row and everything else glyph by glyph.
/// The two paths must agree cell for cell: a zero-width space sends the same text down the
/// general path, over a row of wide characters the write may cut, at every position, clip and
/// overflow.
@Suite struct CanvasFastPathTests {
    /// A row with wide characters at odd and even columns, so both ends of a write hit a head or
    /// a continuation somewhere.
    func background() -> Canvas {
        var canvas = Canvas(width: 12, height: 3)
        canvas.put("a中b文字cd語", x: 0, y: 1, style: Style(foreground: .green))
        return canvas
    }

    @Test func asciiAndGeneralPathsAgree() {
        let texts = ["", "x", "hello", "a much longer text than the row"]
        let clips: [Rect?] = [
            nil, Rect(x: 2, y: 0, width: 5, height: 3), Rect(x: 3, y: 1, width: 1, height: 1),
            Rect(x: 0, y: 0, width: 0, height: 3),
        ]
        var compared = 0
        for text in texts {
            for x in -6...13 {
                for clip in clips {
                    for overflow in [Canvas.Overflow.clip, .ellipsis] {
                        var fast = background()
                        var general = background()
                        let fastEnd = fast.put(
                            text, x: x, y: 1, style: .plain, clip: clip, overflow: overflow)
                        let generalEnd = general.put(
                            text + "\u{200B}", x: x, y: 1, style: .plain, clip: clip, overflow: overflow)
                        #expect(
                            fast == general, "\(text) at \(x), clip \(String(describing: clip)), \(overflow)")
                        #expect(fastEnd == generalEnd)
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == 640)
    }

    @Test func asciiOverHalfAWideCharacterLeavesNoHalf() {
        var canvas = background()
        // Columns 1–2 hold 中 and 4–5 文: "XY" at 2 cuts 中, "Z" at 5 cuts 文.
        canvas.put("XY", x: 2, y: 1)
        canvas.put("Z", x: 5, y: 1)
        #expect(canvas.rowText(1) == "a XY Z字cd語")
        for x in 0..<canvas.width {
            let cell = canvas[x, 1]
            if cell.isContinuation { #expect(canvas[x - 1, 1].width == 2) }
            if cell.width == 2 { #expect(canvas[x + 1, 1].isContinuation) }
        }
    }

    @Test func ellipsisAtTheLastColumnAndControlBytesTakeTheGeneralPath() {
        var canvas = Canvas(width: 6, height: 1)
        canvas.put("abc", x: 5, y: 0, overflow: .ellipsis)
        #expect(canvas.rowText(0) == "     …")
        canvas.put("a\u{1B}[2Jb\u{7F}", x: 0, y: 0)
        #expect(canvas.rowText(0) == "a�[2Jb")
    }

    @Test func fillOverWideCharactersKeepsTheRowWhole() {
        var canvas = background()
        canvas.fill(Rect(x: 2, y: 1, width: 3, height: 1), with: "-")
        #expect(canvas.rowText(1) == "a --- 字cd語")
    }
}
