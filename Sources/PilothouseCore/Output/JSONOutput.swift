import Foundation

/// JSON as every `--json` command prints it: snake_case keys, stable key order, ISO 8601
/// dates, one document per call, with every character a terminal would obey escaped
/// (`TerminalText.escapedJSON`: the same JSON, harmless when printed).
///
/// One configuration for all commands, so a script never has to guess whether a field is
/// `max_attempts` or `maxAttempts`. Keys come from the Swift property names converted to
/// snake_case (dictionary keys, such as a bead's metadata, are data and stay as they are).
/// Docs/JSON.md lists each command's keys; `JSONOutputTests` fails when one is renamed.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return TerminalText.escapedJSON(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
