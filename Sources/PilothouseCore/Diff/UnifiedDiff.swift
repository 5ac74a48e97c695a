import Foundation

/// A parsed `git diff` / `git diff --binary` / `diff -u`.
///
/// Parsing is total and strict: any bytes give either a value or a `DiffParseError` naming a
/// line. Strict, because the policy stage judges a patch by what this parser sees; text that
/// `git apply` would act on but the parser skipped would let a change slip past policy.
public struct UnifiedDiff: Hashable, Sendable {
    /// Lines before the first file (a commit message in `git format-patch` output); empty
    /// unless parsing allowed a preamble.
    public let preamble: [UInt8]
    public internal(set) var files: [FileDiff]

    init(preamble: [UInt8], files: [FileDiff]) {
        self.preamble = preamble
        self.files = files
    }

    /// - Parameter allowingPreamble: accept leading lines that belong to no file (mail headers,
    ///   commit messages). Off by default: `git diff` never writes any, so leading junk means
    ///   the input is not what the caller thinks it is.
    public init(parsing bytes: [UInt8], allowingPreamble: Bool = false) throws(DiffParseError) {
        var parser = UnifiedDiffParser(bytes: bytes)
        self = try parser.parse(allowingPreamble: allowingPreamble)
    }

    public init(parsing data: Data, allowingPreamble: Bool = false) throws(DiffParseError) {
        try self.init(parsing: [UInt8](data), allowingPreamble: allowingPreamble)
    }

    /// The diff as bytes again: identical to the parsed input, unless `selecting` moved hunks.
    public func render() -> [UInt8] {
        var output = preamble
        for file in files { file.render(into: &output) }
        return output
    }

    public var stats: DiffStats {
        DiffStats(
            filesChanged: files.count,
            linesAdded: files.reduce(0) { $0 + $1.linesAdded },
            linesRemoved: files.reduce(0) { $0 + $1.linesRemoved })
    }

    /// Every hunk, in order, for a viewer to list and an operator to pick from.
    public var hunkIDs: [HunkID] {
        files.indices.flatMap { file in files[file].hunks.indices.map { HunkID(file: file, hunk: $0) } }
    }

    public subscript(id: HunkID) -> Hunk? {
        guard files.indices.contains(id.file), files[id.file].hunks.indices.contains(id.hunk) else {
            return nil
        }
        return files[id.file].hunks[id.hunk]
    }

    /// Partial approval: the diff holding only the chosen hunks, ready for `git apply`.
    ///
    /// A file with no chosen hunk is dropped entirely, so pure renames, mode changes and binary
    /// files (which have no hunks) can only be approved with the whole diff. Later hunks of a
    /// file get their new-file start moved by what the dropped hunks before them would have
    /// added or removed, so the result describes a consistent new file. IDs that name no hunk
    /// are ignored.
    public func selecting(hunks chosen: Set<HunkID>) -> UnifiedDiff {
        var kept: [FileDiff] = []
        for (fileIndex, file) in files.enumerated() {
            var shift = 0
            var hunks: [Hunk] = []
            for (hunkIndex, hunk) in file.hunks.enumerated() {
                // Counts were checked against the lines, so this cannot overflow.
                let delta = hunk.newCount - hunk.oldCount
                if chosen.contains(HunkID(file: fileIndex, hunk: hunkIndex)) {
                    hunks.append(hunk.movingNewStart(to: max(0, hunk.newStart - shift)))
                } else {
                    shift += delta
                }
            }
            guard !hunks.isEmpty else { continue }
            var copy = file
            copy.hunks = hunks
            kept.append(copy)
        }
        return UnifiedDiff(preamble: preamble, files: kept)
    }
}
