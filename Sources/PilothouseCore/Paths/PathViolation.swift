/// Why a path from a patch or a model was refused.
///
/// Each case carries the offending path so a quarantine record or console message can show
/// exactly what was proposed, even when it holds control characters (shown escaped).
public enum PathViolation: Error, Hashable, Sendable, CustomStringConvertible {
    case empty(path: String)
    /// Starts at `/`, `~` or a Windows drive: it would escape the worktree wherever it sits.
    case absolute(path: String)
    /// Has a `..` component, which can climb out of the worktree.
    case parentDirectory(path: String)
    /// Reaches into a `.git` directory, where hooks and config run code on the next git command.
    case gitDirectory(path: String)
    /// Holds NUL or another control character: terminal escapes in names, truncation in C APIs.
    case controlCharacter(path: String)
    /// Holds `\`, which Windows reads as a separator, so `..\x` would climb out there.
    case backslash(path: String)

    public var path: String {
        switch self {
        case .empty(let path), .absolute(let path), .parentDirectory(let path), .gitDirectory(let path),
            .controlCharacter(let path), .backslash(let path):
            path
        }
    }

    public var description: String {
        let shown = path.debugDescription
        return switch self {
        case .empty: "path \(shown) names no file"
        case .absolute: "path \(shown) is absolute; only paths inside the repository are allowed"
        case .parentDirectory: "path \(shown) uses '..' to leave its directory"
        case .gitDirectory: "path \(shown) reaches into a .git directory"
        case .controlCharacter: "path \(shown) contains a control character"
        case .backslash: "path \(shown) contains a backslash"
        }
    }
}
