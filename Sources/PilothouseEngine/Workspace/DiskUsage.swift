import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes a directory tree occupies on disk (allocated blocks, as `du` counts them), found with
/// `fstatat` relative to open directories: names are used as the bytes they are (a file named
/// with invalid UTF-8 is counted too), symbolic links are counted as links and never followed,
/// and a file with several hard links is counted once.
public enum DiskUsage {
    public static func bytes(under path: String) -> Int64 {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        var total = Int64(info.st_blocks) * 512
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return total }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return total }
        var seen: Set<[UInt64]> = []
        total += contents(of: descriptor, seen: &seen, depth: 0)
        return total
    }

    /// The bytes below the directory `descriptor` (which this closes).
    private static func contents(of descriptor: Int32, seen: inout Set<[UInt64]>, depth: Int) -> Int64 {
        guard let directory = fdopendir(descriptor) else {
            close(descriptor)
            return 0
        }
        defer { closedir(directory) }
        var total: Int64 = 0
        while let entry = readdir(directory) {
            total += withUnsafePointer(to: entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: 256) { name -> Int64 in
                    if strcmp(name, ".") == 0 || strcmp(name, "..") == 0 { return 0 }
                    var info = stat()
                    guard fstatat(dirfd(directory), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return 0 }
                    let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
                    if !isDirectory && info.st_nlink > 1 {
                        guard seen.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else {
                            return 0
                        }
                    }
                    var bytes = Int64(info.st_blocks) * 512
                    // Deeper than any real tree: a bound, not a limit anyone meets.
                    if isDirectory && depth < 256 {
                        let child = openat(
                            dirfd(directory), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                        if child >= 0 { bytes += contents(of: child, seen: &seen, depth: depth + 1) }
                    }
                    return bytes
                }
            }
        }
        return total
    }
}
