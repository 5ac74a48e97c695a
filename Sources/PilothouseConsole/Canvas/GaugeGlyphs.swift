/// The characters of a horizontal gauge bar.
public enum GaugeGlyphs: Hashable, Sendable {
    /// `▰▰▰▱▱`: whole cells only; readable even without colour because filled and empty differ in shape.
    case parallelogram
    /// `███▌  `: eighth-cell resolution using the left block elements; the empty part is `░`.
    case blocks
    /// `###---`: for fonts without block elements.
    case ascii

    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    var filled: Character {
        switch self {
        case .parallelogram: "▰"
        case .blocks: "█"
        case .ascii: "#"
        }
    }

    var empty: Character {
        switch self {
        case .parallelogram: "▱"
        case .blocks: "░"
        case .ascii: "-"
        }
    }
}
