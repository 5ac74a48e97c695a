/// How a diff says a file is binary.
///
/// The distinction matters for applying: `git apply` can apply a `GIT binary patch` (from
/// `git diff --binary`) but not a bare `Binary files … differ`, which carries no content.
public enum BinaryMarker: Hashable, Sendable {
    /// `Binary files a/x and b/x differ`: the change is known, its content is not in the diff.
    case filesDiffer
    /// `GIT binary patch` with `literal`/`delta` blocks, kept verbatim and not decoded.
    case gitBinaryPatch
}
