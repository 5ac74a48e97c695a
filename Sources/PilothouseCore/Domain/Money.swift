/// An amount of US dollars in integer micro-dollars (1 USD = 1 000 000).
///
/// The ledger never uses floating point: sums of many small calls must add up exactly,
/// and budget checks must not drift.
public struct Money: Hashable, Comparable, Codable, Sendable, CustomStringConvertible, AdditiveArithmetic {
    public var micros: Int64

    public init(micros: Int64) { self.micros = micros }

    public static let zero = Money(micros: 0)

    /// Parses a decimal dollar amount such as `12`, `0.5`, `$3.25` or `0.000001` exactly.
    public init?(dollars text: String) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.hasPrefix("$") { body = body.dropFirst() }
        guard !body.isEmpty else { return nil }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0].isEmpty ? "0" : parts[0]), whole >= 0 else {
            return nil
        }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard digits.count <= 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
                return nil
            }
            let padded = digits + String(repeating: "0", count: 6 - digits.count)
            fraction = Int64(padded) ?? 0
        }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return nil }
        micros = scaled + fraction
    }

    public static func + (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros + rhs.micros) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros - rhs.micros) }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.micros < rhs.micros }

    /// `$1.234567`, trimmed to cents when there is nothing smaller: `$12.50`.
    public var description: String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let whole = magnitude / 1_000_000
        let fraction = magnitude % 1_000_000
        var decimals = String(fraction)
        decimals = String(repeating: "0", count: 6 - decimals.count) + decimals
        while decimals.count > 2 && decimals.hasSuffix("0") { decimals.removeLast() }
        return "\(sign)$\(whole).\(decimals)"
    }

    /// Dollars as a decimal string without the sign character, for JSON (`"12.5"`).
    public var dollarsString: String {
        let text = description.replacingOccurrences(of: "$", with: "")
        return text
    }
}
