/// What happened to a file, as far as the diff says.
public enum FileChangeKind: Hashable, Sendable {
    case added
    case deleted
    case modified
    /// `similarity` is git's percentage from `similarity index N%`, nil when the diff omits it.
    case renamed(similarity: Int?)
    case copied(similarity: Int?)
}
