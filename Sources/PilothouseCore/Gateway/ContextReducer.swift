/// Makes a request smaller after its prompt did not fit the model's window, for the one retry
/// a stage gets: the `=== FILE: … ===` blocks (the bulk of every stage's prompt) are cut to
/// their share, the files last in the prompt first, and the prompt says what was left out so
/// the model does not mistake a cut file for the whole file.
public enum ContextReducer {
    static let fileOpen = "=== FILE: "
    static let fileClose = "=== END FILE ==="

    /// The request with its file contents cut to `fraction` of their size, or nil when there is
    /// nothing to cut (no file blocks), in which case a retry could not help.
    public static func reduce(_ request: ModelRequest, keeping fraction: Double) -> ModelRequest? {
        let total = request.messages.reduce(0) { $0 + fileBytes(in: $1.content) }
        guard total > 0 else { return nil }
        var budget = Int(Double(total) * min(max(fraction, 0), 1))
        var reduced = request
        var cutFiles: [String] = []
        for index in reduced.messages.indices {
            let (content, cut) = shorten(reduced.messages[index].content, budget: &budget)
            reduced.messages[index].content = content
            cutFiles += cut
        }
        guard !cutFiles.isEmpty else { return nil }
        let note =
            "Note: the full prompt did not fit this model's context window, so these files are "
            + "shortened or left out (only their first part is shown): "
            + cutFiles.joined(separator: ", ") + ". Do not assume the rest of them is empty."
        if let last = reduced.messages.lastIndex(where: { $0.role == .user }) {
            reduced.messages[last].content += "\n\n" + note
        } else {
            reduced.messages.append(.init(.user, note))
        }
        return reduced
    }

    private static func fileBytes(in text: String) -> Int {
        blocks(in: text).reduce(0) { $0 + $1.body.utf8.count }
    }

    private struct Block {
        var path: String
        var body: Substring
        var range: Range<String.Index>
    }

    private static func blocks(in text: String) -> [Block] {
        var found: [Block] = []
        var cursor = text.startIndex
        while let open = text.range(of: fileOpen, range: cursor..<text.endIndex),
            let headerEnd = text.range(of: " ===\n", range: open.upperBound..<text.endIndex),
            let close = text.range(of: fileClose, range: headerEnd.upperBound..<text.endIndex)
        {
            let path = String(text[open.upperBound..<headerEnd.lowerBound])
            found.append(
                Block(
                    path: path, body: text[headerEnd.upperBound..<close.lowerBound],
                    range: open.lowerBound..<close.upperBound))
            cursor = close.upperBound
        }
        return found
    }

    /// Keeps file blocks whole while the budget lasts, then their first part, then only a
    /// line saying the file was left out.
    private static func shorten(_ text: String, budget: inout Int) -> (String, [String]) {
        var output = ""
        var cursor = text.startIndex
        var cut: [String] = []
        for block in blocks(in: text) {
            output += text[cursor..<block.range.lowerBound]
            let size = block.body.utf8.count
            if size <= budget {
                output += text[block.range]
                budget -= size
            } else if budget > 0 {
                var kept = block.body.utf8.prefix(budget)
                // Whole lines only, so no half-token or half-character is shown.
                if let newline = kept.lastIndex(of: UInt8(ascii: "\n")) { kept = kept[...newline] }
                let keptText = String(decoding: kept, as: UTF8.self)
                output +=
                    "\(fileOpen)\(block.path) ===\n\(keptText)[… \(size - kept.count) more bytes not shown]\n\(fileClose)"
                budget = 0
                cut.append(block.path)
            } else {
                output += "\(fileOpen)\(block.path) ===\n[left out: \(size) bytes]\n\(fileClose)"
                cut.append(block.path)
            }
            cursor = block.range.upperBound
        }
        output += text[cursor...]
        return (output, cut)
    }
}
