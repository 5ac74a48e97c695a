/// An operator's choice of hunks (0-based, counted across files in diff order), checked
/// against the patch when it is made.
///
/// Checking at approval, not at merge, matters: an index past the end would otherwise be
/// accepted, the job would move to `merging`, and only the merge would fail it — after the
/// operator had walked away believing it approved.
public enum HunkSelection {
    /// The chosen indices, sorted and without repeats, when every one exists in a patch of
    /// `hunkCount` hunks.
    public static func validated(_ chosen: [Int], hunkCount: Int) throws(HunkSelectionError) -> [Int] {
        guard !chosen.isEmpty else { throw .empty }
        guard hunkCount > 0 else { throw .patchHasNoHunks }
        let unique = Array(Set(chosen)).sorted()
        let missing = unique.filter { !(0..<hunkCount).contains($0) }
        guard missing.isEmpty else { throw .outOfRange(missing, hunkCount: hunkCount) }
        return unique
    }
}

/// Why a hunk selection cannot be approved, and what to do instead.
public enum HunkSelectionError: Error, Equatable, CustomStringConvertible, Sendable {
    case empty
    /// A binary or mode-only patch: there is nothing to choose, only the whole patch.
    case patchHasNoHunks
    case outOfRange([Int], hunkCount: Int)
    case unreadablePatch(String)

    public var description: String {
        switch self {
        case .empty:
            "no hunks chosen; name at least one (0-based), or approve the whole patch without --hunks"
        case .patchHasNoHunks:
            "the patch has no text hunks (binary or mode change only); approve it whole, without --hunks"
        case .outOfRange(let missing, let count):
            "hunk\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ",")) \(missing.count == 1 ? "does" : "do") not exist; the patch has \(count) hunk\(count == 1 ? "" : "s"), numbered \(count == 1 ? "0" : "0–\(count - 1)") in diff order, as the console's diff viewer shows them"
        case .unreadablePatch(let detail):
            "the stored patch is not a readable diff (\(detail)); approve it whole or reject it"
        }
    }
}
