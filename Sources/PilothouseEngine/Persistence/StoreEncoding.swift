import Foundation
import PilothouseCore

/// How every backend writes the values that have no column type of their own: times as
/// integer milliseconds, lists, bead metadata and stage outputs as JSON text. One spelling,
/// so a store moved from one backend to another reads the same, and beads hash the same.
public enum StoreEncoding {
    public static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    public static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    public static func encodeList(_ list: [String]) -> String {
        guard let data = try? JSONEncoder().encode(list) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func decodeList(_ text: String?) -> [String] {
        guard let data = text?.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }

    public static func encodeMetadata(_ metadata: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(metadata) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Tolerant on purpose: a hand-edited metadata column must surface in `verify` as an
    /// edit, not crash the listing.
    public static func decodeMetadata(_ text: String?) -> [String: String] {
        guard let text, let data = text.data(using: .utf8) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? ["_unreadable": text]
    }

    public static func encodeOutput(_ output: StageOutput) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(output)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public static func decodeOutput(_ text: String?) -> StageOutput {
        guard let data = text?.data(using: .utf8),
            let output = try? JSONDecoder().decode(StageOutput.self, from: data)
        else { return .none }
        return output
    }
}
