import Foundation

/// Turns the wait hints providers put in response headers into durations.
///
/// The formats differ by provider and header:
/// - `retry-after`: delta-seconds (`"30"`) or an HTTP-date (RFC 9110), on 429 and 503.
/// - `retry-after-ms`: milliseconds (OpenAI, Azure OpenAI).
/// - `x-ratelimit-reset-requests` / `-tokens` (OpenAI): Go-style durations (`"1s"`, `"6m0s"`,
///   `"200ms"`, `"1h2m3.5s"`), the time until the limit is fully replenished.
/// - `anthropic-ratelimit-*-reset`: an RFC 3339 timestamp of full replenishment.
///
/// Dates are turned into durations against a `now` the caller passes (wall clock, since the
/// server speaks wall-clock time); instants in the past become `.zero`. Parsing is done by
/// hand rather than with `DateFormatter`, whose locale and platform differences have broken
/// HTTP-date parsing before, and which is not `Sendable`.
public enum RetryAfterParser {
    /// The `retry-after` header: delta-seconds or an HTTP-date.
    public static func retryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = decimalDuration(text, unitNanoseconds: 1_000_000_000) { return seconds }
        if let date = httpDate(text) { return duration(from: now, to: date) }
        return nil
    }

    /// The `retry-after-ms` header.
    public static func retryAfterMilliseconds(_ value: String) -> Duration? {
        decimalDuration(value.trimmingCharacters(in: .whitespaces), unitNanoseconds: 1_000_000)
    }

    /// Any rate-limit reset header: a Go duration, bare seconds, an RFC 3339 timestamp or an
    /// HTTP-date, tried in that order since the first two are by far the most common.
    public static func resetDelay(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let duration = goDuration(text) { return duration }
        if let seconds = decimalDuration(text, unitNanoseconds: 1_000_000_000) { return seconds }
        if let date = rfc3339Date(text) ?? httpDate(text) { return duration(from: now, to: date) }
        return nil
    }

    /// The server's requested wait from a whole header set, in any dialect
    /// (`retry-after-ms` first for its precision, LiteLLM's `llm_provider-retry-after`).
    public static func retryAfter(headers: [String: String], now: Date) -> Duration? {
        RateLimitSnapshot.parse(headers: headers, now: now).retryAfter
    }

    // MARK: - Go durations

    /// Parses Go's `time.Duration.String()` output: `"1s"`, `"6m0s"`, `"1.5ms"`, `"0"`.
    public static func goDuration(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        var scalars = Substring(text).unicodeScalars[...]
        guard !scalars.isEmpty else { return nil }
        var total: Int64 = 0
        while !scalars.isEmpty {
            let number = scalars.prefix { ("0"..."9").contains($0) || $0 == "." }
            guard !number.isEmpty else { return nil }
            scalars = scalars.dropFirst(number.count)
            let unit = String(
                String.UnicodeScalarView(scalars.prefix { !("0"..."9").contains($0) && $0 != "." }))
            scalars = scalars.dropFirst(unit.unicodeScalars.count)
            let unitNanos: Int64
            switch unit {
            case "ns": unitNanos = 1
            case "us", "\u{00B5}s", "\u{03BC}s": unitNanos = 1_000
            case "ms": unitNanos = 1_000_000
            case "s": unitNanos = 1_000_000_000
            case "m": unitNanos = 60_000_000_000
            case "h": unitNanos = 3_600_000_000_000
            default: return nil
            }
            guard
                let nanos = decimalNanoseconds(
                    String(String.UnicodeScalarView(number)), unitNanoseconds: unitNanos)
            else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(nanos)
            guard !overflow else { return nil }
            total = sum
        }
        return .nanoseconds(total)
    }

    // MARK: - Dates

    /// Parses an HTTP-date in any of the three forms RFC 9110 says recipients must accept:
    /// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`
    /// and asctime `Sun Nov  6 08:49:37 1994`. The weekday is not checked.
    public static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let day: Int?
        let month: Int?
        var year: Int?
        let time: String
        switch parts.count {
        case 6 where parts[0].hasSuffix(","):
            guard isGMT(parts[5]) else { return nil }
            (day, month, year, time) = (Int(parts[1]), monthNumber(parts[2]), Int(parts[3]), parts[4])
        case 4 where parts[0].hasSuffix(","):
            guard isGMT(parts[3]) else { return nil }
            let pieces = parts[1].split(separator: "-").map(String.init)
            guard pieces.count == 3 else { return nil }
            (day, month, year, time) = (Int(pieces[0]), monthNumber(pieces[1]), Int(pieces[2]), parts[2])
            // RFC 850 years have two digits; this window covers any date a server sends today.
            if let twoDigit = year, pieces[2].count == 2 {
                year = twoDigit < 70 ? 2000 + twoDigit : 1900 + twoDigit
            }
        case 5:
            (day, month, year, time) = (Int(parts[2]), monthNumber(parts[1]), Int(parts[4]), parts[3])
        default:
            return nil
        }
        let clock = time.split(separator: ":").map { Int($0) }
        guard let day, let month, let year, clock.count == 3,
            let hour = clock[0], let minute = clock[1], let second = clock[2]
        else { return nil }
        return makeDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Parses an RFC 3339 timestamp such as `2024-06-01T12:00:00Z` or
    /// `2024-06-01T14:00:00.250+02:00`.
    public static func rfc3339Date(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ length: Int) -> Int? {
            guard start + length <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + length)] {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 20,
            let year = number(0, 4), bytes[4] == UInt8(ascii: "-"),
            let month = number(5, 2), bytes[7] == UInt8(ascii: "-"),
            let day = number(8, 2),
            [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
            let hour = number(11, 2), bytes[13] == UInt8(ascii: ":"),
            let minute = number(14, 2), bytes[16] == UInt8(ascii: ":"),
            let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var numerator = 0.0
            var divisor = 1.0
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                if index - start < 9 {
                    numerator = numerator * 10 + Double(bytes[index] - UInt8(ascii: "0"))
                    divisor *= 10
                }
                index += 1
            }
            guard index > start else { return nil }
            fraction = numerator / divisor
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, let hours = number(index + 1, 2),
                bytes[index + 3] == UInt8(ascii: ":"), let minutes = number(index + 4, 2),
                hours < 24, minutes < 60
            else { return nil }
            offsetSeconds = (hours * 60 + minutes) * 60
            if bytes[index] == UInt8(ascii: "-") { offsetSeconds = -offsetSeconds }
        default:
            return nil
        }
        guard
            let date = makeDate(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return Date(timeIntervalSince1970: date.timeIntervalSince1970 - Double(offsetSeconds) + fraction)
    }

    // MARK: - Helpers

    private static func duration(from now: Date, to date: Date) -> Duration {
        let interval = date.timeIntervalSince(now)
        guard interval > 0 else { return .zero }
        // Header dates carry at most millisecond meaning; rounding to the nearest millisecond
        // absorbs the floating-point noise of subtracting two large epoch values.
        return .milliseconds(Int64((interval * 1000).rounded()))
    }

    /// Non-negative decimal numbers only: a negative or exponent form is not a valid header.
    private static func decimalDuration(_ text: String, unitNanoseconds: Int64) -> Duration? {
        decimalNanoseconds(text, unitNanoseconds: unitNanoseconds).map { .nanoseconds($0) }
    }

    private static func decimalNanoseconds(_ text: String, unitNanoseconds: Int64) -> Int64? {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.isEmpty, pieces.count <= 2,
            pieces.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            !(pieces[0].isEmpty && (pieces.count == 1 || pieces[1].isEmpty))
        else { return nil }
        let whole = pieces[0].isEmpty ? 0 : Int64(pieces[0])
        guard let whole else { return nil }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: unitNanoseconds)
        guard !overflow else { return nil }
        var fractionNanos: Int64 = 0
        if pieces.count == 2 {
            // Digits beyond nanosecond resolution cannot matter; dropping them keeps the
            // arithmetic below inside Int64 (numerator < divisor <= 10^9).
            var divisor: Int64 = 1
            var numerator: Int64 = 0
            for character in pieces[1].prefix(9) {
                numerator = numerator * 10 + Int64(character.wholeNumberValue ?? 0)
                divisor *= 10
            }
            fractionNanos =
                unitNanoseconds / divisor * numerator + unitNanoseconds % divisor * numerator / divisor
        }
        let (sum, overflow2) = scaled.addingReportingOverflow(fractionNanos)
        return overflow2 ? nil : sum
    }

    private static func isGMT(_ zone: String) -> Bool {
        zone == "GMT" || zone == "UTC" || zone == "+0000"
    }

    private static func monthNumber(_ name: String) -> Int? {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return months.firstIndex(of: name.lowercased()).map { $0 + 1 }
    }

    private static func makeDate(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
        -> Date?
    {
        // The year bound also keeps a hostile header from overflowing the arithmetic below.
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
            (0...23).contains(hour),
            (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthLengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= monthLengths[month - 1] else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm): no Calendar, no time zone database.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
