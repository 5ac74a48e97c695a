/// Splits rects into panes.
///
/// Splitting is all integer arithmetic and clamped at every step, so a terminal shrunk to a few
/// cells yields empty rects rather than negative sizes; panes then draw nothing instead of crashing.
public enum Layout {
    /// The smallest terminal the full console is designed for; below it `TooSmallView` is shown.
    public static let minimum = Size(width: 80, height: 24)

    public static func isTooSmall(_ size: Size, minimum: Size = Layout.minimum) -> Bool {
        size.width < minimum.width || size.height < minimum.height
    }

    public enum Axis: Sendable {
        /// Parts stacked top to bottom.
        case vertical
        /// Parts side by side, left to right.
        case horizontal
    }

    /// Rows stacked top to bottom.
    public static func rows(_ rect: Rect, _ constraints: [LayoutConstraint]) -> [Rect] {
        split(rect, along: .vertical, constraints)
    }

    /// Columns side by side.
    public static func columns(_ rect: Rect, _ constraints: [LayoutConstraint]) -> [Rect] {
        split(rect, along: .horizontal, constraints)
    }

    /// One rect per constraint, in order, adjacent and never overlapping. Fixed and percent parts
    /// are served first in order; fill parts share the rest by weight, the rounding remainder going
    /// to the first fill parts so the whole axis is used.
    public static func split(_ rect: Rect, along axis: Axis, _ constraints: [LayoutConstraint]) -> [Rect] {
        let total = axis == .vertical ? rect.height : rect.width
        var lengths = [Int](repeating: 0, count: constraints.count)
        var remaining = total
        for (i, constraint) in constraints.enumerated() {
            let wanted: Int
            switch constraint {
            case .fixed(let n): wanted = max(0, n)
            case .percent(let p): wanted = total * min(100, max(0, p)) / 100
            case .fill: continue
            }
            lengths[i] = min(wanted, remaining)
            remaining -= lengths[i]
        }
        let weights = constraints.map { constraint -> Int in
            if case .fill(let weight) = constraint { return max(0, weight) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        if totalWeight > 0 {
            var given = 0
            for (i, weight) in weights.enumerated() where weight > 0 {
                lengths[i] = remaining * weight / totalWeight
                given += lengths[i]
            }
            var leftover = remaining - given
            for (i, weight) in weights.enumerated() where weight > 0 && leftover > 0 {
                lengths[i] += 1
                leftover -= 1
            }
        }
        var offset = 0
        return lengths.map { length in
            defer { offset += length }
            switch axis {
            case .vertical: return Rect(x: rect.x, y: rect.y + offset, width: rect.width, height: length)
            case .horizontal: return Rect(x: rect.x + offset, y: rect.y, width: length, height: rect.height)
            }
        }
    }

    /// A rect of at most `size` centred in `rect`.
    public static func centered(_ size: Size, in rect: Rect) -> Rect {
        let width = min(max(0, size.width), rect.width)
        let height = min(max(0, size.height), rect.height)
        return Rect(
            x: rect.x + (rect.width - width) / 2, y: rect.y + (rect.height - height) / 2, width: width,
            height: height)
    }
}
