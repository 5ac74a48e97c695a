import Foundation

/// Reads a whole file, or a pipe such as `/dev/stdin` (or `-`, standard input), but never
/// more than a limit.
///
/// The size is not trusted from `stat` (a pipe has none, a file can grow): reading stops one
/// byte past the limit, so an oversized input costs at most `limit + 1` bytes of memory.
public enum BoundedFile {
    public enum Failure: Error, Equatable, Sendable {
        case missing
        case directory
        case system(code: Int32)
        case tooLarge

        /// A message naming `path`; for `tooLarge`, the `[limits]` key and how to raise it.
        public func message(path: String, limitKey: String, limit: Int) -> String {
            switch self {
            case .missing: "\(path): no such file"
            case .directory: "\(path): is a directory; give the path of a file"
            case .system(let code): "\(path): cannot be read (\(String(cString: strerror(code))))"
            case .tooLarge:
                InputLimitExceeded(subject: path, key: limitKey, limit: limit, unit: "bytes").description
            }
        }
    }

    public static func read(_ path: String, limit: Int) throws(Failure) -> Data {
        if path == "-" { return try read(descriptor: STDIN_FILENO, limit: limit) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT ? .missing : .system(code: errno) }
        defer { close(fd) }
        return try read(descriptor: fd, limit: limit)
    }

    private static func read(descriptor fd: Int32, limit: Int) throws(Failure) -> Data {
        var info = stat()
        if fstat(fd, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw .directory }
            // A regular file that is already too large is refused without reading a byte.
            if (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > limit { throw .tooLarge }
        }
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while result.count <= limit {
            let wanted = min(buffer.count, limit + 1 - result.count)
            let count = buffer.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                throw errno == EISDIR ? .directory : .system(code: errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
        throw .tooLarge
    }
}
