/// The role of one line inside a hunk.
public enum DiffLineKind: String, Hashable, Sendable, Codable {
    case context
    case added
    case removed
    /// `\ No newline at end of file`: applies to the line before it, counts as neither side.
    case noNewlineMarker
}
