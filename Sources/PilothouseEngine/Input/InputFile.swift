import Foundation

/// Reads a file the operator named (a configuration, a plan, a patch) and, when it cannot,
/// says which of the usual reasons it is: no such file, a directory, no permission.
///
/// `-` means standard input, and so does any path that is not a regular file but can be
/// read, such as `/dev/stdin` or a FIFO (`FileManager.contents(atPath:)` fails on those).
public enum InputFile {
    /// Files larger than this are refused rather than read into memory whole.
    public static let defaultLimit = 64 << 20

    public static func read(_ path: String, limit: Int = defaultLimit) throws(InputFileError) -> Data {
        if path == "-" { return try read(FileHandle.standardInput, named: "standard input", limit: limit) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .missing(path)
        }
        if isDirectory.boolValue { throw .directory(path) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        return try read(handle, named: path, limit: limit)
    }

    private static func read(_ handle: FileHandle, named name: String, limit: Int) throws(InputFileError)
        -> Data
    {
        var data = Data()
        do {
            while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                data.append(chunk)
                if data.count > limit { throw InputFileError.tooLarge(name, limit: limit) }
            }
        } catch let error as InputFileError {
            throw error
        } catch {
            throw .unreadable(name, reason: (error as NSError).localizedFailureReason ?? "read failed")
        }
        return data
    }
}

/// Why a named file could not be read, with what to do.
public enum InputFileError: Error, Equatable, CustomStringConvertible, Sendable {
    case missing(String)
    case directory(String)
    case unreadable(String, reason: String)
    case tooLarge(String, limit: Int)

    public var description: String {
        switch self {
        case .missing(let path): "\(path): no such file"
        case .directory(let path): "\(path): is a directory, not a file"
        case .unreadable(let path, let reason): "\(path): cannot be read (\(reason)); check its permissions"
        case .tooLarge(let path, let limit):
            "\(path): is larger than \(limit >> 20) MiB; refusing to read it whole"
        }
    }
}
