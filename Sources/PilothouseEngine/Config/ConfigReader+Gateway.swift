import Foundation
import PilothouseCore
import TOMLKit

/// Typed readers the gateway's settings need beyond the integers and strings of `[jobs]`:
/// fractions, flags, dollar amounts, lists, and tables of tables such as `[providers.NAME]`.
extension ConfigReader.Section {
    /// A number that may be written with or without a fraction (`0.05`, `1`).
    mutating func double(_ key: String, range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        consumed.insert(key)
        guard let value = table[key] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init), range.contains(number) else {
            throw invalid(
                key, value.debugDescription,
                expected: "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Dollars as a number (`5`, `0.25`) or a string (`"$5.00"`), kept exact as `Money`.
    mutating func money(_ key: String) throws(ConfigError) -> Money? {
        consumed.insert(key)
        guard let value = table[key] else { return nil }
        let parsed: Money?
        if let text = value.string {
            parsed = Money(dollars: text)
        } else if let whole = value.int {
            parsed = whole >= 0 ? Money(micros: Int64(whole) * 1_000_000) : nil
        } else if let number = value.double, number >= 0, number < 1e12 {
            parsed = Money(micros: Int64((number * 1_000_000).rounded()))
        } else {
            parsed = nil
        }
        guard let parsed else {
            throw invalid(key, value.debugDescription, expected: "a dollar amount such as 5 or 0.25")
        }
        return parsed
    }
}
