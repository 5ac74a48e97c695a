import Foundation

/// The text of a TOML file Pilothouse reads (the configuration, a `[pipeline] file`, a theme).
///
/// TOML is handed to a C++ parser that stops at a NUL byte, so everything after one would be
/// silently ignored: `checkCharacters` refuses control characters with their line instead, as
/// TOML itself requires. The size is bounded before anything is read into memory.
enum ConfigFile {
    static func text(at path: String) throws(ConfigError) -> String {
        let data: Data
        do {
            data = try BoundedFile.read(path, limit: InputLimits.configBytes)
        } catch {
            switch error {
            case .missing: throw .unreadable(path: path, reason: "no such file")
            case .system(let code): throw .unreadable(path: path, reason: String(cString: strerror(code)))
            case .directory: throw .isDirectory(path: path)
            case .tooLarge:
                throw .tooLarge(
                    path: path, line: 0,
                    limit: InputLimitExceeded(
                        subject: path, key: nil, limit: InputLimits.configBytes, unit: "bytes"))
            }
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8(path: path) }
        return text
    }

    /// Refuses NUL and the other control characters TOML forbids (tab, LF and CR are fine);
    /// `ConfigReader` calls it on every text before parsing.
    static func checkCharacters(_ text: String, path: String) throws(ConfigError) {
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A:
                line += 1
                column = 1
                continue
            case 0x09, 0x0D: break
            case 0x00...0x1F, 0x7F:
                throw .controlCharacter(path: path, line: line, column: column, value: UInt8(scalar.value))
            default: break
            }
            column += 1
        }
    }
}
