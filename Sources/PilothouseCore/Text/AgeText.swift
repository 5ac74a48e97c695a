import Foundation

/// Ages and intervals as operators type them: `90s`, `30m`, `12h`, `14d`, `2w`, or bare seconds.
/// One parser for `cache purge --older-than`, `gc --older-than` and `[retention]`.
public enum AgeText {
    /// The seconds `text` stands for, or nil when it is not an age.
    public static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = trimmed.last else { return nil }
        let value: Double?
        if let unit = units[last] {
            value = Double(trimmed.dropLast()).map { $0 * unit }
        } else {
            value = Double(trimmed)
        }
        guard let value, value.isFinite, value >= 0, value < 100 * 365 * 86_400 else { return nil }
        return value
    }
}
