/// A frame of the console: a width × height grid of styled cells that panes render into.
///
/// Rendering into a value instead of straight into ncurses keeps every pane testable without a
/// terminal (tests assert on `lines`), and lets the backend compare two frames and send only the
/// cells that changed. All drawing clips to the grid: coordinates may be negative or past the edge
/// and text may be any length, none of which can crash or write outside the grid.
public struct Canvas: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    /// Cap on each dimension so a bogus size (say from a broken `TIOCGWINSZ`) cannot allocate gigabytes.
    public static let maximumDimension = 4096

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = min(max(0, width), Canvas.maximumDimension)
        self.height = min(max(0, height), Canvas.maximumDimension)
        let blank = fill.width == 1 ? fill : Cell(" ", style: fill.style)
        self.cells = [Cell](repeating: blank, count: self.width * self.height)
    }

    public init(size: Size, fill: Cell = .blank) {
        self.init(width: size.width, height: size.height, fill: fill)
    }

    public var size: Size { Size(width: width, height: height) }
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at (x, y), or a blank cell outside the grid so callers need no bounds checks.
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank }
        return cells[y * width + x]
    }

    // MARK: Text

    /// What happens to text wider than the space it is given.
    public enum Overflow: Sendable {
        /// Cut at the edge.
        case clip
        /// Cut one column earlier and end in `…`, so the operator can tell something is missing.
        case ellipsis
    }

    /// Writes `text` on one row starting at `point`, clipped to `clip` (and always to the grid).
    ///
    /// Control characters are replaced and zero-width characters dropped (see `TextWidth`). A wide
    /// character that would straddle the clip edge is replaced by a space in the visible half.
    /// - Returns: the column just after the text as laid out (whether or not it was visible), so
    ///   callers can continue writing after it.
    @discardableResult
    public mutating func put(
        _ text: String, at point: Point, style: Style = .plain, clip: Rect? = nil, overflow: Overflow = .clip
    ) -> Int {
        let area = (clip ?? bounds).intersection(bounds)
        var text = text
        // Nearly everything a pane writes is printable ASCII: one byte, one cell, no grapheme
        // breaking and no width lookup. Anything else takes the general path below.
        let ascii = text.withUTF8 { bytes -> Int? in
            for byte in bytes where byte < 0x20 || byte >= 0x7F { return nil }
            return putPrintableASCII(bytes, at: point, style: style, area: area, overflow: overflow)
        }
        if let ascii { return ascii }
        var totalWidth = 0
        if overflow == .ellipsis {
            for character in text { totalWidth += TextWidth.of(character) }
        }
        if overflow == .ellipsis, !area.isEmpty, point.x < area.maxX, point.x + totalWidth > area.maxX {
            // Keep what fits before the last visible column, pad a wide character that did not
            // fit with a space, and put the ellipsis in the last column.
            let limit = (area.maxX - 1) - point.x
            var x = point.x
            for character in text {
                let shown = TextWidth.displayable(character)
                let w = TextWidth.width(ofDisplayable: shown)
                if w == 0 { continue }
                if x - point.x + w > limit { break }
                place(shown, width: w, x: x, y: point.y, style: style, area: area)
                x += w
            }
            while x - point.x < limit {
                place(" ", width: 1, x: x, y: point.y, style: style, area: area)
                x += 1
            }
            place(TextWidth.ellipsis, width: 1, x: x, y: point.y, style: style, area: area)
            return x + 1
        }
        var x = point.x
        for character in text {
            let shown = TextWidth.displayable(character)
            let w = TextWidth.width(ofDisplayable: shown)
            if w == 0 { continue }
            place(shown, width: w, x: x, y: point.y, style: style, area: area)
            x += w
        }
        return x
    }

    /// Puts one glyph laid out at column `x`, clipped to `area`: a wide character cut by the
    /// area's left edge leaves a space in its visible half, one cut by the right edge becomes a space.
    private mutating func place(
        _ character: Character, width w: Int, x: Int, y: Int, style: Style, area: Rect
    ) {
        guard y >= area.y, y < area.maxY, x < area.maxX, x + w > area.x else { return }
        if x < area.x {
            setCell(Cell(" ", style: style), x: area.x, y: y)
        } else if w == 2 && x + 1 >= area.maxX {
            setCell(Cell(" ", style: style), x: x, y: y)
        } else {
            setCell(Cell(character, style: style, width: UInt8(w)), x: x, y: y)
        }
    }

    /// The ASCII fast path of `put`: `bytes` are all printable, so each is one narrow cell and the
    /// run is written straight into the row. Only the run's two ends can cut a wide character.
    private mutating func putPrintableASCII(
        _ bytes: UnsafeBufferPointer<UInt8>, at point: Point, style: Style, area: Rect, overflow: Overflow
    ) -> Int {
        var kept = bytes.count
        var end = point.x + kept
        var ellipsisAt: Int?
        if overflow == .ellipsis, !area.isEmpty, point.x < area.maxX, end > area.maxX {
            kept = area.maxX - 1 - point.x
            ellipsisAt = area.maxX - 1
            end = area.maxX
        }
        guard !area.isEmpty, point.y >= area.y, point.y < area.maxY else { return end }
        let first = max(point.x, area.x)
        let last = min(end, area.maxX) - 1
        guard first <= last else { return end }
        breakWideCharacter(at: first, y: point.y)
        breakWideCharacter(at: last, y: point.y)
        let base = point.y * width
        cells.withUnsafeMutableBufferPointer { row in
            let runEnd = min(last, point.x + kept - 1)
            if first <= runEnd {
                for x in first...runEnd {
                    row[base + x] = Cell(ascii: bytes[x - point.x], style: style)
                }
            }
            if let ellipsisAt, ellipsisAt >= first {
                row[base + ellipsisAt] = Cell(TextWidth.ellipsis, style: style)
            }
        }
        return end
    }

    /// Convenience for `put(_:at:...)` with separate coordinates.
    @discardableResult
    public mutating func put(
        _ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil, overflow: Overflow = .clip
    ) -> Int {
        put(text, at: Point(x: x, y: y), style: style, clip: clip, overflow: overflow)
    }

    /// Fills `rect` with `character` (spaces by default), e.g. to clear a pane or paint a background.
    /// Wide or zero-width fill characters are replaced by spaces, since they cannot tile a rect.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let shown = TextWidth.displayable(character)
        let cell = Cell(TextWidth.width(ofDisplayable: shown) == 1 ? shown : " ", style: style)
        for y in area.y..<area.maxY {
            // Only the row's two ends can cut a wide character; everything between is replaced.
            breakWideCharacter(at: area.x, y: y)
            breakWideCharacter(at: area.maxX - 1, y: y)
            let base = y * width
            cells.withUnsafeMutableBufferPointer { row in
                for x in area.x..<area.maxX { row[base + x] = cell }
            }
        }
    }

    /// Changes the style of every cell in `rect` without touching its text, e.g. to highlight the
    /// selected row after it was rendered.
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let area = rect.intersection(bounds)
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX {
                cells[y * width + x].style = transform(cells[y * width + x].style)
            }
        }
    }

    /// Copies `other` onto this canvas with its top-left at `origin`, clipped to the grid.
    public mutating func draw(_ other: Canvas, at origin: Point) {
        for y in 0..<other.height {
            for x in 0..<other.width {
                let cell = other[x, y]
                let tx = origin.x + x
                let ty = origin.y + y
                guard tx >= 0, ty >= 0, tx < width, ty < height else { continue }
                if cell.isContinuation { continue }
                if cell.width == 2 && tx + 1 >= width {
                    setCell(Cell(" ", style: cell.style), x: tx, y: ty)
                } else {
                    setCell(cell, x: tx, y: ty)
                }
            }
        }
    }

    // MARK: Reading back

    /// The text of row `y` as the terminal would show it (wide characters once, no padding removed).
    public func rowText(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var text = ""
        for x in 0..<width {
            let cell = cells[y * width + x]
            if !cell.isContinuation { text.append(cell.character) }
        }
        return text
    }

    /// Every row's text, for assertions and snapshot tests.
    public var lines: [String] { (0..<height).map(rowText) }

    // MARK: Cell writes

    /// Writes one cell (and the continuation of a wide one), first breaking any wide character it
    /// would overlap so the grid never holds half a character.
    mutating func setCell(_ cell: Cell, x: Int, y: Int) {
        guard y >= 0, y < height, x >= 0, x < width else { return }
        let wide = cell.width == 2 && x + 1 < width
        breakWideCharacter(at: x, y: y)
        if wide { breakWideCharacter(at: x + 1, y: y) }
        if wide {
            cells[y * width + x] = cell
            cells[y * width + x + 1] = .continuation(style: cell.style)
        } else {
            cells[y * width + x] = cell.width == 2 ? Cell(" ", style: cell.style) : cell
        }
    }

    private mutating func breakWideCharacter(at x: Int, y: Int) {
        let index = y * width + x
        let existing = cells[index]
        if existing.isContinuation, x > 0 {
            cells[index - 1] = Cell(" ", style: cells[index - 1].style)
            cells[index] = Cell(" ", style: existing.style)
        } else if existing.width == 2, x + 1 < width {
            cells[index + 1] = Cell(" ", style: cells[index + 1].style)
            cells[index] = Cell(" ", style: existing.style)
        }
    }
}
