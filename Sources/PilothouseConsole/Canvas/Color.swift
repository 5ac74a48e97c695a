/// A terminal colour as the theme author wrote it; the backend degrades it to what the terminal can show.
///
/// Colours are kept at their authored precision so that one theme serves truecolor, 256-colour and
/// 16-colour terminals alike: degradation happens once, at draw time, via `degraded(to:)`.
public enum Color: Hashable, Sendable {
    /// The terminal's own foreground or background (ncurses colour -1), so themes can respect the
    /// operator's terminal palette and transparency.
    case `default`
    case ansi(ANSIColor)
    /// An xterm 256-colour palette index (0–15 are the ANSI colours as the terminal defines them).
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    public static let black = Color.ansi(.black)
    public static let red = Color.ansi(.red)
    public static let green = Color.ansi(.green)
    public static let yellow = Color.ansi(.yellow)
    public static let blue = Color.ansi(.blue)
    public static let magenta = Color.ansi(.magenta)
    public static let cyan = Color.ansi(.cyan)
    public static let white = Color.ansi(.white)

    /// Parses `#rrggbb`, a palette index `0`–`255`, an ANSI name (`red`, `bright-red`, `grey`…) or
    /// `default`. Returns nil rather than guessing, so a typo in a theme is reported, not silently shown.
    public init?(parsing text: String) {
        let value = text.trimmingWhitespace().lowercased()
        if value.isEmpty { return nil }
        if value == "default" || value == "none" || value == "reset" {
            self = .default
            return
        }
        if value.hasPrefix("#") {
            let hex = value.dropFirst()
            guard hex.count == 6, let number = UInt32(hex, radix: 16) else { return nil }
            self = .rgb(UInt8((number >> 16) & 0xFF), UInt8((number >> 8) & 0xFF), UInt8(number & 0xFF))
            return
        }
        if value.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard value.count <= 3, let index = Int(value), (0...255).contains(index) else { return nil }
            self = .indexed(UInt8(index))
            return
        }
        guard let named = ANSIColor(name: value) else { return nil }
        self = .ansi(named)
    }

    /// The colour expressed at `depth`; `.default` when the terminal should use its own colour.
    public func degraded(to depth: ColorDepth) -> Color {
        switch (self, depth) {
        case (.default, _), (_, .none):
            return .default
        case (.ansi, _):
            return self
        case (.indexed(let index), .ansi16):
            if index < 16 { return .ansi(ANSIColor(rawValue: index)!) }
            let (r, g, b) = Palette.rgb(ofIndex: index)
            return .ansi(Palette.nearestANSI(r, g, b))
        case (.indexed, _):
            return self
        case (.rgb(let r, let g, let b), .ansi16):
            return .ansi(Palette.nearestANSI(r, g, b))
        case (.rgb(let r, let g, let b), .indexed256):
            return .indexed(Palette.nearestIndex(r, g, b))
        case (.rgb, .truecolor):
            return self
        }
    }
}

/// The 16 colours every colour terminal has; their exact shades are the terminal's choice.
public enum ANSIColor: UInt8, CaseIterable, Sendable {
    case black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite

    /// Accepts `bright-red`, `bright_red`, `brightred` and `brightRed`, plus `grey`/`gray` for bright
    /// black, because theme authors write all of these.
    public init?(name: String) {
        let key = name.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
        switch key {
        case "grey", "gray": self = .brightBlack
        default:
            guard let match = ANSIColor.allCases.first(where: { $0.name.lowercased() == key }) else {
                return nil
            }
            self = match
        }
    }

    public var name: String {
        switch self {
        case .black: "black"
        case .red: "red"
        case .green: "green"
        case .yellow: "yellow"
        case .blue: "blue"
        case .magenta: "magenta"
        case .cyan: "cyan"
        case .white: "white"
        case .brightBlack: "brightBlack"
        case .brightRed: "brightRed"
        case .brightGreen: "brightGreen"
        case .brightYellow: "brightYellow"
        case .brightBlue: "brightBlue"
        case .brightMagenta: "brightMagenta"
        case .brightCyan: "brightCyan"
        case .brightWhite: "brightWhite"
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
