/// Names one hunk of a parsed diff, for partial approval.
///
/// Positions rather than content hashes: the console shows the diff it parsed and the operator
/// picks from that same value, so indices are stable for as long as the selection matters.
public struct HunkID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// Index into `UnifiedDiff.files`.
    public var file: Int
    /// Index into that file's `hunks`.
    public var hunk: Int

    public init(file: Int, hunk: Int) {
        self.file = file
        self.hunk = hunk
    }

    public static func < (lhs: HunkID, rhs: HunkID) -> Bool {
        (lhs.file, lhs.hunk) < (rhs.file, rhs.hunk)
    }

    public var description: String { "\(file):\(hunk)" }
}
