/// How much of the split axis one part of a layout takes.
public enum LayoutConstraint: Hashable, Sendable {
    /// Exactly this many cells, or what is left if the space runs out.
    case fixed(Int)
    /// This percentage of the whole axis (0–100), rounded down.
    case percent(Int)
    /// A share of what fixed and percent parts leave over, proportional to the weight.
    case fill(Int = 1)
}
