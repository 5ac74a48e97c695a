import Foundation

/// A problem in `pilothouse.toml`, always naming the file and, where known, the line.
public enum ConfigError: Error, Equatable, CustomStringConvertible, Sendable {
    case unreadable(path: String, reason: String)
    case notUTF8(path: String)
    case isDirectory(path: String)
    /// NUL or another control character, which TOML forbids and its parser would stop at.
    case controlCharacter(path: String, line: Int, column: Int, value: UInt8)
    /// Larger than a limit (the whole file when `line` is 0).
    case tooLarge(path: String, line: Int, limit: InputLimitExceeded)
    case syntax(path: String, line: Int, message: String)
    case invalidValue(path: String, line: Int, key: String, value: String, expected: String)
    case unknownKey(path: String, line: Int, key: String, known: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot be read (\(reason))"
        case .notUTF8(let path): "\(path): is not UTF-8 text; save it as UTF-8"
        case .isDirectory(let path): "\(path): is a directory; give the path of a TOML file"
        case .controlCharacter(let path, let line, let column, let value):
            "\(path):\(line):\(column): holds the control character \(value == 0 ? "NUL" : "0x" + String(value, radix: 16, uppercase: true)) (byte \(value)), which TOML does not allow; remove it"
        case .tooLarge(let path, let line, let limit):
            line > 0 ? "\(path):\(line): \(limit)" : limit.description
        case .syntax(let path, let line, let message): "\(path):\(line): \(message)"
        case .invalidValue(let path, let line, let key, let value, let expected):
            "\(path):\(line): \(key) = \(value) is not valid; expected \(expected)"
        case .unknownKey(let path, let line, let key, let known):
            "\(path):\(line): unknown setting '\(key)'; known here: \(known.joined(separator: ", "))"
        }
    }
}
