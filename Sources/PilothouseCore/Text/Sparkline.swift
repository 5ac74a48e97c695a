/// A row of Unicode block characters, one per value, scaled to the largest (`▁▂▃▄▅▆▇█`).
///
/// Zero is a space, so idle minutes read as gaps; any value above zero gets at least the lowest
/// block, so a single finished job is never invisible next to a busy minute.
public enum Sparkline {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func render(_ values: [Int64]) -> String {
        let top = values.max() ?? 0
        guard top > 0 else { return String(repeating: " ", count: values.count) }
        return String(
            values.map { value -> Character in
                guard value > 0 else { return " " }
                let level = Int((Double(value) / Double(top) * Double(blocks.count)).rounded(.up)) - 1
                return blocks[min(blocks.count - 1, max(0, level))]
            })
    }
}
