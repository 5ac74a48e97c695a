import Foundation

/// A job's identity: a ULID (26 characters of Crockford base32).
///
/// ULIDs sort by creation time as plain strings, so `ORDER BY id` in the store is also
/// "oldest first" without a second column, and ids made on different machines never clash.
public struct JobID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// Accepts a full ULID, case-insensitively.
    public init?(_ text: String) {
        let upper = text.uppercased()
        guard upper.count == 26, upper.allSatisfy({ JobID.alphabet.contains($0) }) else { return nil }
        guard let first = upper.first, first <= "7" else { return nil }
        self.rawValue = upper
    }

    /// A new id for the given moment; the random part comes from `generator`.
    public init<G: RandomNumberGenerator>(date: Date = Date(), using generator: inout G) {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var characters: [Character] = []
        characters.reserveCapacity(26)
        for shift in stride(from: 45, through: 0, by: -5) {
            characters.append(JobID.alphabet[Int((millis >> UInt64(shift)) & 0x1F)])
        }
        for _ in 0..<16 {
            characters.append(JobID.alphabet[Int(generator.next() & 0x1F)])
        }
        self.rawValue = String(characters)
    }

    public init(date: Date = Date()) {
        var generator = SystemRandomNumberGenerator()
        self.init(date: date, using: &generator)
    }

    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }

    /// The last eight characters: what an operator types and reads in lists.
    public var short: String { String(rawValue.suffix(8)) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = JobID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a job id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
