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
        var glyphs: [(Character, Int)] = []
        var totalWidth = 0
        for character in text {
            let shown = TextWidth.displayable(character)
            let w = TextWidth.width(ofDisplayable: shown)
            if w == 0 { continue }
            glyphs.append((shown, w))
            totalWidth += w
        }
        if overflow == .ellipsis, !area.isEmpty, point.x < area.maxX, point.x + totalWidth > area.maxX {
            // Keep what fits before the last visible column, pad a wide character that did not
            // fit with a space, and put the ellipsis in the last column.
            let limit = (area.maxX - 1) - point.x
            var kept: [(Character, Int)] = []
            var used = 0
            for glyph in glyphs {
                if used + glyph.1 > limit { break }
                kept.append(glyph)
                used += glyph.1
            }
            while used < limit {
                kept.append((" ", 1))
                used += 1
            }
            kept.append((TextWidth.ellipsis, 1))
            glyphs = kept
        }
        let end = point.x + glyphs.reduce(0) { $0 + $1.1 }
        guard !area.isEmpty, point.y >= area.y, point.y < area.maxY else { return end }
        var x = point.x
        for (character, w) in glyphs {
            if x >= area.maxX { break }
            if x < area.x {
                if w == 2 && x + 1 == area.x { setCell(Cell(" ", style: style), x: area.x, y: point.y) }
                x += w
                continue
            }
            if w == 2 && x + 1 >= area.maxX {
                setCell(Cell(" ", style: style), x: x, y: point.y)
                break
            }
            setCell(Cell(character, style: style, width: UInt8(w)), x: x, y: point.y)
            x += w
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
        let shown = TextWidth.displayable(character)
        let glyph = TextWidth.width(ofDisplayable: shown) == 1 ? shown : " "
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX {
                setCell(Cell(glyph, style: style), x: x, y: y)
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
