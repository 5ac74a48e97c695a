import Foundation
import MCP
import PilothouseCore

/// What a tool answers: one JSON object, written exactly as the command line's `--json`
/// writes it (`JSONOutput`: snake_case keys, ISO 8601 dates, terminal escapes escaped), as the
/// text a model reads and as `structuredContent` for clients that take data.
struct ToolOutput {
    let json: String

    static func of<T: Encodable>(_ value: T) throws -> ToolOutput {
        ToolOutput(json: try JSONOutput.encode(value, pretty: false))
    }

    func result() throws -> CallTool.Result {
        try CallTool.Result(
            content: [.text(text: json, annotations: nil, _meta: nil)],
            structuredContent: try JSONDecoder().decode(Value.self, from: Data(json.utf8)), isError: false)
    }

    /// A refusal: `isError` set, the message as the only content.
    static func failure(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }
}
