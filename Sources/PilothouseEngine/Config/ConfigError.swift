import Foundation

/// A problem in `pilothouse.toml`, always naming the file and, where known, the line.
public enum ConfigError: Error, Equatable, CustomStringConvertible, Sendable {
    case file(InputFileError)
    case notUTF8(path: String)
    case syntax(path: String, line: Int, message: String)
    case invalidValue(path: String, line: Int, key: String, value: String, expected: String)
    case unknownKey(path: String, line: Int, key: String, known: [String])

    public var description: String {
        switch self {
        case .file(let error): error.description
        case .notUTF8(let path): "\(path): is not UTF-8 text; save it as UTF-8"
        case .syntax(let path, let line, let message): "\(path):\(line): \(message)"
        case .invalidValue(let path, let line, let key, let value, let expected):
            "\(path):\(line): \(key) = \(value) is not valid; expected \(expected)"
        case .unknownKey(let path, let line, let key, let known):
            "\(path):\(line): unknown setting '\(key)'; known here: \(known.joined(separator: ", "))"
        }
    }
}

extension ConfigError {
    /// The UTF-8 text of a configuration file, or the reason it cannot be had.
    static func text(of path: String) throws(ConfigError) -> String {
        let data: Data
        do {
            data = try InputFile.read(path)
        } catch {
            throw .file(error)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8(path: path) }
        return text
    }
}
