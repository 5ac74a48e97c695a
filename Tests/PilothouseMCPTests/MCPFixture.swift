import Foundation
import MCP
import PilothouseCore
import PilothouseEngine
import PilothouseMCP
import PilothouseSQLiteStore
import Testing

/// A repository folder with a real SQLite store in it, and the tools over both, as
/// `pilothouse mcp --repo` builds them.
final class MCPFixture {
    let root: String
    let store: SQLiteStore

    init(_ config: PilothouseConfig = PilothouseConfig()) throws {
        root = NSTemporaryDirectory() + "pilothouse-mcp-test-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: root + "/.pilothouse", withIntermediateDirectories: true)
        store = try SQLiteStore.openOrCreate(
            path: root + "/.pilothouse/pilothouse.db", redactor: config.redactor)
        self.config = config
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var config: PilothouseConfig

    var tools: PilothouseTools { PilothouseTools(store: store, config: config, repositoryRoot: root) }

    func call(_ name: String, _ arguments: [String: Value] = [:]) -> CallTool.Result {
        tools.call(name, arguments: arguments)
    }

    /// The answer's object, failing the test when the call was refused.
    func object(
        _ name: String, _ arguments: [String: Value] = [:], sourceLocation: SourceLocation = #_sourceLocation
    )
        throws -> [String: Value]
    {
        let result = call(name, arguments)
        #expect(result.isError == false, "\(name) refused: \(result.text)", sourceLocation: sourceLocation)
        return try #require(result.structuredContent?.objectValue, sourceLocation: sourceLocation)
    }

    func write(_ path: String, _ text: String) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    /// A job waiting for approval with `diff` as its patch, as an engine leaves one.
    func waitingJob(diff: String = MCPFixture.twoHunks) throws -> JobID {
        let id = try store.enqueue(Job(title: "waiting", goal: "g", maxAttempts: 3)).id
        try store.transition(id, to: .running, stage: .implement)
        try store.savePatch(Patch(jobID: id, attempt: 0, baseCommit: "base", diff: Data(diff.utf8)))
        try store.finishRun(id, to: .awaitingApproval, message: "waiting")
        return id
    }

    static let twoHunks = """
        diff --git a/a.txt b/a.txt
        --- a/a.txt
        +++ b/a.txt
        @@ -1,1 +1,1 @@
        -one
        +ONE
        @@ -10,1 +10,1 @@
        -ten
        +TEN

        """
}

extension CallTool.Result {
    /// The text a model reads: the first content item's.
    var text: String {
        guard case .text(let text, _, _) = content.first else { return "" }
        return text
    }
}
