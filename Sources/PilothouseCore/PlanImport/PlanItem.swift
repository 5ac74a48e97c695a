import Foundation

/// One actionable improvement found in a Markdown plan, ready to become (or update) a queued job.
///
/// `anchor` is derived from headings and the title only, never from the body, so that editing an
/// item's text updates the job it already created instead of enqueueing a second one.
public struct PlanItem: Hashable, Sendable, Codable {
    public var anchor: String
    public var title: String
    public var goal: String
    public var priority: Priority
    public var category: JobCategory
    public var files: [String]
    public var phase: String?
    public var contentHash: String

    public init(
        anchor: String, title: String, goal: String, priority: Priority, category: JobCategory,
        files: [String], phase: String?, contentHash: String? = nil
    ) {
        self.anchor = anchor
        self.title = title
        self.goal = goal
        self.priority = priority
        self.category = category
        self.files = files
        self.phase = phase
        self.contentHash =
            contentHash
            ?? PlanItem.contentHash(
                title: title, goal: goal, priority: priority, category: category, files: files)
    }

    /// FNV-1a 64 rather than a cryptographic hash: it only has to notice that an item changed between
    /// two imports, must be identical on every platform and run, and Core may import Foundation only.
    public static func contentHash(
        title: String, goal: String, priority: Priority, category: JobCategory, files: [String]
    ) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            // A unit separator keeps ("ab", "c") and ("a", "bc") from hashing alike.
            hash ^= 0x1f
            hash = hash &* 0x0000_0100_0000_01b3
        }
        mix(title)
        mix(goal)
        mix(priority.description)
        mix(category.rawValue)
        for file in files { mix(file) }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }
}
