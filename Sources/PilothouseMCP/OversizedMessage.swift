import Foundation

/// The JSON-RPC error answer to a request too large to read.
///
/// The request itself is not parsed (that is what its size forbids), so its id is looked for
/// where JSON-RPC clients put it: as the first or second member (`{"jsonrpc":"2.0","id":7,…`)
/// or as the last (`…,"id":7}`, as the Python SDK writes it). When neither end shows it the
/// answer carries `"id": null`, as JSON-RPC prescribes for a request whose id cannot be read.
enum OversizedMessage {
    static func answer(count: Int, head: Data, tail: Data, limit: Int) -> Data {
        let id = requestID(
            head: String(decoding: head, as: UTF8.self), tail: String(decoding: tail, as: UTF8.self))
        let message =
            "the request is \(count) bytes, more than the \(limit) bytes pilothouse mcp reads in one message (set by [limits] patch_bytes, plan_bytes and goal_bytes); send less"
        let error: [String: Any] = ["code": -32600, "message": message]
        let object: [String: Any] = ["jsonrpc": "2.0", "id": id ?? NSNull(), "error": error]
        // Only strings, numbers and NSNull above: serialization cannot fail.
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// The id as a JSON value (an integer or a string), if one end of the request shows it.
    static func requestID(head: String, tail: String) -> Any? {
        let value = #"(-?[0-9]{1,18}|"(?:[^"\\]|\\.){0,200}")"#
        let patterns = [
            #"^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*"# + value,
            #""id"\s*:\s*"# + value + #"\s*\}\s*$"#,
        ]
        for (pattern, text) in zip(patterns, [head, tail]) {
            guard let expression = try? NSRegularExpression(pattern: pattern),
                let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                let range = Range(match.range(at: 1), in: text)
            else { continue }
            let found = String(text[range])
            if let number = Int(found) { return number }
            return (try? JSONSerialization.jsonObject(with: Data(found.utf8), options: [.fragmentsAllowed]))
                as? String
        }
        return nil
    }
}
