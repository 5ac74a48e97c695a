import Foundation

/// What git's index file says, read without a process (gitformat-index(5)): the paths it
/// tracks, and the tree its cache-tree extension records for the whole index.
///
/// Resetting a pooled worktree used to cost two git processes, `checkout` and `clean`; the
/// cleaning half only needs to know which paths are tracked, and that list is the index git
/// just wrote. A `git commit` from an index leaves the commit's tree in the index's cache tree,
/// where `rev-parse <commit>^{tree}` would cost a process. Versions 2, 3 and 4 are read (4
/// compresses each path against the previous one).
/// Anything this reader is not sure of (a split or sparse index, a hash size it cannot tell, a
/// truncated or inconsistent file) is nil, and the caller asks git instead.
struct GitIndexFile: Sendable {
    /// Every path of an entry, as the bytes git stores (no encoding assumed).
    let files: Set<[UInt8]>
    /// Gitlinks (submodules): directories git tracks as a whole.
    let gitlinks: Set<[UInt8]>
    /// Every directory that holds a tracked path, at any depth.
    let directories: Set<[UInt8]>
    /// The tree of the whole index as its cache-tree extension records it (hex), when the
    /// extension is there and valid for the root.
    let rootTree: String?

    /// Reads the index at `path`; nil when it cannot be read with certainty.
    init?(contentsOf path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        self.init(data: [UInt8](data))
    }

    init?(data bytes: [UInt8]) {
        // The object hash size is not in the index itself: a SHA-1 repository's entries parse
        // consistently with 20 bytes, a SHA-256 one's with 32, never both.
        for hashSize in [20, 32] {
            if let parsed = Self.parse(bytes, hashSize: hashSize) {
                self = parsed
                return
            }
        }
        return nil
    }

    private init(files: Set<[UInt8]>, gitlinks: Set<[UInt8]>, directories: Set<[UInt8]>, rootTree: String?) {
        self.files = files
        self.gitlinks = gitlinks
        self.directories = directories
        self.rootTree = rootTree
    }

    private static func parse(_ bytes: [UInt8], hashSize: Int) -> GitIndexFile? {
        guard bytes.count >= 12 + hashSize, Array(bytes[0..<4]) == [UInt8]("DIRC".utf8) else { return nil }
        let version = uint32(bytes, 4)
        let count = Int(uint32(bytes, 8))
        guard (2...4).contains(version) else { return nil }
        let end = bytes.count - hashSize
        var offset = 12
        var files = Set<[UInt8]>()
        var gitlinks = Set<[UInt8]>()
        var directories = Set<[UInt8]>()
        var previous: [UInt8] = []
        // ctime, mtime (8 bytes each), dev, ino, mode, uid, gid, size (4 each), the object
        // name, then 16 bits of flags.
        let fixed = 40 + hashSize + 2
        for _ in 0..<count {
            guard offset + fixed <= end else { return nil }
            let mode = uint32(bytes, offset + 24)
            let flags = Int(bytes[offset + fixed - 2]) << 8 | Int(bytes[offset + fixed - 1])
            var header = fixed
            if flags & 0x4000 != 0 {
                guard version >= 3 else { return nil }
                header += 2  // extended flags
            }
            let start = offset + header
            guard start <= end else { return nil }
            var name: [UInt8]
            if version == 4 {
                // The number of bytes to drop from the previous path, as git's offset varint.
                var position = start
                guard position < end else { return nil }
                var byte = Int(bytes[position])
                var strip = byte & 0x7F
                while byte & 0x80 != 0 {
                    position += 1
                    guard position < end, strip < 1 << 24 else { return nil }
                    byte = Int(bytes[position])
                    strip = ((strip + 1) << 7) | (byte & 0x7F)
                }
                position += 1
                guard strip <= previous.count,
                    let nul = bytes[position..<end].firstIndex(of: 0)
                else { return nil }
                name = Array(previous.prefix(previous.count - strip)) + bytes[position..<nul]
                offset = nul + 1
            } else {
                let length = flags & 0xFFF
                let nameEnd: Int
                if length < 0xFFF {
                    nameEnd = start + length
                    guard nameEnd < end, bytes[nameEnd] == 0,
                        !bytes[start..<nameEnd].contains(0)
                    else { return nil }
                } else {
                    guard let nul = bytes[start..<end].firstIndex(of: 0) else { return nil }
                    nameEnd = nul
                }
                name = Array(bytes[start..<nameEnd])
                // Entries are padded with 1 to 8 NULs to a multiple of eight bytes.
                let next = offset + ((header + (nameEnd - start) + 8) & ~7)
                guard next <= end, bytes[nameEnd..<next].allSatisfy({ $0 == 0 }) else { return nil }
                offset = next
            }
            guard isSafe(name) else { return nil }
            if mode & 0o170000 == 0o160000 { gitlinks.insert(name) } else { files.insert(name) }
            for index in name.indices where name[index] == UInt8(ascii: "/") {
                directories.insert(Array(name[..<index]))
            }
            previous = name
        }
        // Extensions: a four-byte signature and a 32-bit size each, up to the trailing hash. A
        // split index ("link") keeps entries elsewhere and a sparse one ("sdir") has directory
        // entries: not read here.
        var rootTree: String?
        while offset < end {
            guard offset + 8 <= end else { return nil }
            let signature = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            if signature == "link" || signature == "sdir" { return nil }
            let size = Int(uint32(bytes, offset + 4))
            guard size <= end - offset - 8 else { return nil }
            if signature == "TREE" {
                rootTree = Self.rootTree(bytes[(offset + 8)..<(offset + 8 + size)], hashSize: hashSize)
            }
            offset += 8 + size
        }
        guard offset == end else { return nil }
        return GitIndexFile(files: files, gitlinks: gitlinks, directories: directories, rootTree: rootTree)
    }

    /// The root entry of a cache-tree extension: an empty path, NUL, "<entries> <subtrees>\n",
    /// then the tree's object name unless <entries> is -1 (invalidated).
    private static func rootTree(_ data: ArraySlice<UInt8>, hashSize: Int) -> String? {
        guard data.first == 0, let newline = data.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let counts = String(decoding: data[(data.startIndex + 1)..<newline], as: UTF8.self)
        let fields = counts.split(separator: " ")
        guard fields.count == 2, let entries = Int(fields[0]), entries >= 0, Int(fields[1]) != nil,
            newline + 1 + hashSize <= data.endIndex
        else { return nil }
        return data[(newline + 1)..<(newline + 1 + hashSize)].map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// A path git itself would store: relative, no empty, `.` or `..` component, no `.git`.
    private static func isSafe(_ name: [UInt8]) -> Bool {
        guard !name.isEmpty else { return false }
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        let dotGit: [UInt8] = [dot, UInt8(ascii: "g"), UInt8(ascii: "i"), UInt8(ascii: "t")]
        for component in name.split(separator: slash, omittingEmptySubsequences: false) {
            let bytes = [UInt8](component)
            if bytes.isEmpty || bytes == [dot] || bytes == [dot, dot] || bytes == dotGit { return false }
        }
        return true
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }
}
