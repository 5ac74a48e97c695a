/// How many colours the terminal can show, ordered so `min` picks the more limited of two.
public enum ColorDepth: Int, Comparable, CaseIterable, Sendable {
    case none = 0
    case ansi16 = 16
    case indexed256 = 256
    case truecolor = 16_777_216

    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decides the depth from the environment and what terminfo reports.
    ///
    /// The environment is a lookup closure, not `getenv`, so tests can pretend any terminal.
    /// `NO_COLOR` wins over everything when set to a non-empty value (https://no-color.org).
    /// Truecolor needs both a `COLORTERM` claim and a terminfo entry that can express it; ncurses
    /// only emits 24-bit colour through direct-colour terminfo (`COLORS` ≥ 2^24), so a
    /// `COLORTERM=truecolor` on `xterm-256color` still gets the 256-colour palette.
    public static func detect(environment: (String) -> String?, terminalColors: Int) -> ColorDepth {
        if let noColor = environment("NO_COLOR"), !noColor.isEmpty { return .none }
        let claimsTruecolor: Bool = {
            guard let value = environment("COLORTERM")?.lowercased() else { return false }
            return value == "truecolor" || value == "24bit"
        }()
        switch terminalColors {
        case 16_777_216...: return claimsTruecolor ? .truecolor : .indexed256
        case 256...: return .indexed256
        case 8...: return .ansi16
        default: return .none
        }
    }
}
