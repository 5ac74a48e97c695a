import Testing

@testable import PilothouseConsole

@Suite struct LayoutTests {
    let area = Rect(x: 0, y: 0, width: 100, height: 30)

    @Test func rowsWithFixedAndFill() {
        let rows = Layout.rows(area, [.fixed(1), .fill(), .fixed(1)])
        #expect(
            rows == [
                Rect(x: 0, y: 0, width: 100, height: 1), Rect(x: 0, y: 1, width: 100, height: 28),
                Rect(x: 0, y: 29, width: 100, height: 1),
            ])
    }

    @Test func columnsWithPercentAndWeightedFill() {
        let columns = Layout.columns(area, [.percent(30), .fill(2), .fill(1)])
        #expect(columns.map(\.width) == [30, 47, 23])
        #expect(columns.map(\.x) == [0, 30, 77])
        #expect(columns.allSatisfy { $0.height == 30 })
    }

    @Test func overcommittedSplitsClampInOrder() {
        let rows = Layout.rows(
            Rect(x: 2, y: 3, width: 10, height: 5), [.fixed(3), .fixed(4), .percent(50), .fill()])
        #expect(rows.map(\.height) == [3, 2, 0, 0])
        #expect(rows.map(\.y) == [3, 6, 8, 8])
        #expect(Layout.rows(.zero, [.fixed(3), .fill()]).allSatisfy { $0.isEmpty })
        #expect(Layout.columns(area, [.fixed(-5), .percent(400)]).map(\.width) == [0, 100])
        #expect(Layout.rows(area, []).isEmpty)
    }

    @Test func rectHelpers() {
        let rect = Rect(x: 1, y: 1, width: 10, height: 4)
        #expect(rect.inset(by: 1) == Rect(x: 2, y: 2, width: 8, height: 2))
        #expect(rect.inset(by: 5).isEmpty)
        #expect(Rect(x: 0, y: 0, width: -3, height: 2).width == 0)
        #expect(
            rect.intersection(Rect(x: 8, y: 0, width: 10, height: 2)) == Rect(x: 8, y: 1, width: 3, height: 1)
        )
        #expect(rect.intersection(Rect(x: 50, y: 50, width: 1, height: 1)).isEmpty)
        #expect(rect.contains(x: 1, y: 1) && !rect.contains(x: 11, y: 1))
        #expect(Layout.centered(Size(width: 4, height: 2), in: rect) == Rect(x: 4, y: 2, width: 4, height: 2))
    }

    @Test func minimumSize() {
        #expect(Layout.minimum == Size(width: 80, height: 24))
        #expect(!Layout.isTooSmall(Size(width: 80, height: 24)))
        #expect(Layout.isTooSmall(Size(width: 79, height: 40)))
        #expect(Layout.isTooSmall(Size(width: 120, height: 23)))
    }

    @Test func tooSmallAt20x5() {
        var canvas = Canvas(width: 20, height: 5)
        TooSmallView().render(into: &canvas)
        #expect(
            canvas.lines == [
                "                    ",
                " terminal too small ",
                "    (need 80×24)    ",
                "      now 20×5      ",
                "                    ",
            ])
    }

    @Test func tooSmallFitsOnOneLineWhenWide() {
        var canvas = Canvas(width: 40, height: 1)
        TooSmallView().render(into: &canvas)
        #expect(canvas.rowText(0) == "    terminal too small (need 80×24)     ")
    }

    @Test func tooSmallAtDegenerateSizes() {
        var zero = Canvas(width: 0, height: 0)
        TooSmallView().render(into: &zero)
        #expect(zero.lines == [])
        var one = Canvas(width: 1, height: 1)
        TooSmallView().render(into: &one)
        #expect(one.lines == ["…"])
        var thin = Canvas(width: 5, height: 3)
        TooSmallView().render(into: &thin)
        #expect(thin.lines == ["term…", " too ", "small"])
        for width in 0...30 {
            for height in 0...6 {
                var canvas = Canvas(width: width, height: height)
                TooSmallView().render(into: &canvas)
                #expect(canvas.lines.allSatisfy { TextWidth.of($0) == width })
            }
        }
    }
}
