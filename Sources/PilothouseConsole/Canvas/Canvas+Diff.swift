extension Canvas {
    /// The spans of this frame that differ from `previous`, row by row, left to right.
    ///
    /// With no previous frame, or one of another size (after a resize), every row is one span: the
    /// backend must repaint everything then anyway.
    public func changes(from previous: Canvas?) -> [CanvasSpan] {
        guard let previous, previous.width == width, previous.height == height else {
            return width == 0 ? [] : (0..<height).map { CanvasSpan(y: $0, x: 0, width: width) }
        }
        var spans: [CanvasSpan] = []
        for y in 0..<height {
            let base = y * width
            var x = 0
            while x < width {
                if cells[base + x] == previous.cells[base + x] {
                    x += 1
                    continue
                }
                var start = x
                var end = x + 1
                while end < width && cells[base + end] != previous.cells[base + end] { end += 1 }
                // Never split a wide character: widen to its head and past its continuation.
                if cells[base + start].isContinuation && start > 0 { start -= 1 }
                if cells[base + end - 1].width == 2 && end < width { end += 1 }
                if let last = spans.last, last.y == y, last.maxX >= start {
                    spans[spans.count - 1].width = max(last.maxX, end) - last.x
                } else {
                    spans.append(CanvasSpan(y: y, x: start, width: end - start))
                }
                x = end
            }
        }
        return spans
    }

    /// Row numbers with at least one changed cell.
    public func changedRows(from previous: Canvas?) -> [Int] {
        var rows: [Int] = []
        for span in changes(from: previous) where rows.last != span.y { rows.append(span.y) }
        return rows
    }
}
