/// Which relative paths a patch may touch.
///
/// Pure string rules, with no filesystem access, so the `check` stage can judge a diff before
/// anything is written; symlink escapes need the worktree and are checked elsewhere.
public enum PathRules {
    /// Returns the path normalized (`./a//b/` → `a/b`) or throws the first rule it breaks.
    ///
    /// `.git` is matched the way git itself guards it, since those are the spellings that reach
    /// the real directory on case-insensitive (macOS, Windows) filesystems: any case, with
    /// HFS+-ignored code points, with NTFS trailing dots/spaces, and the 8.3 name `git~1`.
    @discardableResult
    public static func validate(relativePath path: String) throws(PathViolation) -> String {
        guard !path.isEmpty else { throw .empty(path: path) }
        for scalar in path.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                throw .controlCharacter(path: path)
            }
            if scalar == "\\" { throw .backslash(path: path) }
        }
        if path.hasPrefix("/") || path.hasPrefix("~") || hasDrivePrefix(path) {
            throw .absolute(path: path)
        }
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { throw .parentDirectory(path: path) }
            if isGitDirectoryName(component) { throw .gitDirectory(path: path) }
            components.append(component)
        }
        guard !components.isEmpty else { throw .empty(path: path) }
        return components.joined(separator: "/")
    }

    /// `C:` and `C:foo` (relative to drive C's current directory) both leave the worktree.
    private static func hasDrivePrefix(_ path: String) -> Bool {
        let scalars = Array(path.unicodeScalars.prefix(2))
        guard scalars.count == 2, scalars[1] == ":" else { return false }
        return scalars[0].isASCII && scalars[0].properties.isAlphabetic
    }

    private static func isGitDirectoryName(_ component: Substring) -> Bool {
        var scalars = String.UnicodeScalarView(component.unicodeScalars.filter { !isIgnoredByHFS($0) })
        while let last = scalars.last, last == "." || last == " " { scalars.removeLast() }
        let name = String(scalars).lowercased()
        return name == ".git" || name == "git~1"
    }

    /// Code points HFS+ drops when comparing names (the list git's `is_hfs_dotgit` uses).
    private static func isIgnoredByHFS(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200C...0x200F, 0x202A...0x202E, 0x206A...0x206F, 0xFEFF: true
        default: false
        }
    }
}
