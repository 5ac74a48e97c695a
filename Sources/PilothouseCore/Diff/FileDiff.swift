/// The change to one file.
///
/// Paths are those `git apply` would touch: `a/`/`b/` prefixes removed, C-quoting undone, and
/// nil where the diff says `/dev/null`. Policy checks run on these paths, which is why the
/// parser refuses diffs whose headers disagree about a file's name rather than picking one.
public struct FileDiff: Hashable, Sendable {
    /// nil for an added file.
    public let oldPath: String?
    /// nil for a deleted file.
    public let newPath: String?
    public let change: FileChangeKind
    /// Octal mode such as `100644`, `100755` or `120000` (symlink), when the diff says.
    public let oldMode: String?
    public let newMode: String?
    /// nil for a text change.
    public let binary: BinaryMarker?
    public internal(set) var hunks: [Hunk]
    /// Whether the file started with `diff --git`, as opposed to a plain `diff -u` section.
    public let hasGitHeader: Bool
    /// 1-based line where this file's section starts in the parsed input.
    public let sourceLine: Int
    /// Every line before the first hunk (`diff --git`, extended headers, `---`/`+++`, a binary
    /// patch), exactly as in the input.
    public let rawHeader: [UInt8]

    init(
        oldPath: String?, newPath: String?, change: FileChangeKind, oldMode: String?, newMode: String?,
        binary: BinaryMarker?, hunks: [Hunk], hasGitHeader: Bool, sourceLine: Int, rawHeader: [UInt8]
    ) {
        self.oldPath = oldPath
        self.newPath = newPath
        self.change = change
        self.oldMode = oldMode
        self.newMode = newMode
        self.binary = binary
        self.hunks = hunks
        self.hasGitHeader = hasGitHeader
        self.sourceLine = sourceLine
        self.rawHeader = rawHeader
    }

    /// The name to show: the new one, or the old one for a deletion.
    public var path: String { newPath ?? oldPath ?? "" }

    public var isBinary: Bool { binary != nil }

    /// Git stores symlinks as mode 120000; a patch that creates one can point outside the
    /// worktree, so policy needs to see it.
    public var isSymlink: Bool { newMode == "120000" || oldMode == "120000" }

    public var linesAdded: Int { hunks.reduce(0) { $0 + $1.linesAdded } }
    public var linesRemoved: Int { hunks.reduce(0) { $0 + $1.linesRemoved } }

    func render(into output: inout [UInt8]) {
        output += rawHeader
        for hunk in hunks { hunk.render(into: &output) }
    }
}
