import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// A model that keeps every prompt it was sent, so a test can prove what it never saw.
actor PromptLog {
    private(set) var prompts: [String] = []
    func add(_ text: String) { prompts.append(text) }
}

struct RecordingModel: ModelClient {
    let log: PromptLog
    var text = "ok"
    func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse {
        await log.add(request.messages.map(\.content).joined(separator: "\n"))
        return ModelResponse(
            text: text, provider: "test", model: request.model, tokens: TokenCounts(), cost: Money(micros: 0),
            latencyMillis: 0)
    }
}

/// Files read for a model's prompt never come from outside the repository (issue #10, point 1).
@Suite struct PromptFilesTests {
    static let secret = "root:x:0:0:SECRET-OUTSIDE-CONTENT:/root:/bin/bash"

    /// A sandbox whose repository commits `pw -> outside/passwd` and `etc -> outside/`.
    static func sandboxWithEscapingLinks() throws -> GitSandbox {
        let sandbox = try GitSandbox(files: [
            "README.md": Array("hello\n".utf8), "docs/guide.md": Array("guide\n".utf8),
        ])
        try sandbox.write("passwd", secret + "\n", in: sandbox.outside)
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/pw", withDestinationPath: sandbox.outside + "/passwd")
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/etc", withDestinationPath: sandbox.outside)
        // An ordinary in-repository link, as real projects have.
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/docs/README.md", withDestinationPath: "../README.md")
        // An in-repository link into Pilothouse's own state.
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/state", withDestinationPath: ".pilothouse")
        try sandbox.git("add", "-A")
        try sandbox.git("commit", "-q", "-m", "links")
        return sandbox
    }

    @Test(arguments: ["pw", "etc/passwd", "./etc/../pw", ".pilothouse/pilothouse.db", "state/pilothouse.db"])
    func analyzeQuarantinesAHintThatLeavesTheRepository(hint: String) async throws {
        let sandbox = try Self.sandboxWithEscapingLinks()
        try sandbox.write(".pilothouse/pilothouse.db", Self.secret)
        let log = PromptLog()
        let context = await makeContext(
            job: Job(title: "fix", goal: "fix", filesHint: [hint]), stage: .analyze,
            recorder: StageRecorder(),
            model: RecordingModel(log: log), root: sandbox.root)
        do {
            _ = try await AnalyzeStage().run(context)
            Issue.record("expected a path_escape quarantine for \(hint)")
        } catch {
            guard case .quarantine(.pathEscape, let message, _) = error else {
                Issue.record("expected path_escape for \(hint), got \(error)")
                return
            }
            #expect(!message.contains("SECRET-OUTSIDE"))
        }
        #expect(await log.prompts.isEmpty)
    }

    @Test(arguments: ["pw", "etc/passwd"])
    func implementQuarantinesAHintThatLeavesTheWorktree(hint: String) async throws {
        let sandbox = try Self.sandboxWithEscapingLinks()
        let log = PromptLog()
        let recorder = StageRecorder()
        let context = await makeContext(
            job: Job(title: "fix", goal: "fix", filesHint: [hint]), stage: .implement, recorder: recorder,
            model: RecordingModel(log: log), root: sandbox.root)
        do {
            _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(context)
            Issue.record("expected a path_escape quarantine for \(hint)")
        } catch {
            guard case .quarantine(.pathEscape, _, _) = error else {
                Issue.record("expected path_escape for \(hint), got \(error)")
                return
            }
        }
        #expect(await log.prompts.isEmpty)
        #expect(await recorder.patches.isEmpty)
    }

    @Test func aPathNamedInTheGoalThroughAnEscapingLinkIsQuarantinedToo() async throws {
        let sandbox = try Self.sandboxWithEscapingLinks()
        let log = PromptLog()
        let context = await makeContext(
            job: Job(title: "fix", goal: "Tidy up etc/passwd please"), stage: .implement,
            recorder: StageRecorder(), model: RecordingModel(log: log), root: sandbox.root)
        await #expect(throws: StageFailure.self) {
            try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(context)
        }
        #expect(await log.prompts.allSatisfy { !$0.contains("SECRET-OUTSIDE") })
    }

    /// A link that stays inside is shown under its real path: the one an edit must name, since
    /// edits never go through links.
    @Test func linksThatStayInsideAreReadAndMissingFilesAreShownAsNew() throws {
        let sandbox = try Self.sandboxWithEscapingLinks()
        let files = try PromptFiles.read(
            root: sandbox.root, paths: ["docs/README.md", "docs/guide.md", "new/file.txt", "docs"],
            includeMissing: true)
        #expect(
            files == [
                .init(path: "README.md", content: "hello\n"),
                .init(path: "docs/guide.md", content: "guide\n"),
                .init(path: "new/file.txt", content: nil),
            ])
    }

    @Test func aLinkLoopIsRefusedNotFollowedForever() throws {
        let sandbox = try GitSandbox()
        try FileManager.default.createSymbolicLink(atPath: sandbox.root + "/a", withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: sandbox.root + "/b", withDestinationPath: "a")
        #expect(throws: PathGuardError.self) {
            try PathGuard(root: sandbox.root).resolve("a")
        }
    }

    @Test func bytesAreBoundedPerFileAndInTotal() throws {
        let sandbox = try GitSandbox(files: [
            "a.txt": Array(repeating: UInt8(ascii: "a"), count: 100),
            "b.txt": Array(repeating: UInt8(ascii: "b"), count: 100),
        ])
        let files = try PromptFiles.read(
            root: sandbox.root, paths: ["a.txt", "b.txt"], maxFileBytes: 60, maxTotalBytes: 90)
        #expect(files.map(\.content?.count) == [60, 30])
        #expect(files.map(\.truncated) == [true, true])
    }

    @Test(.timeLimit(.minutes(1))) func aFIFONamedAsAHintIsSkippedWithoutWaitingForAWriter() throws {
        let sandbox = try GitSandbox()
        #expect(mkfifo(sandbox.root + "/pipe", 0o600) == 0)
        let files = try PromptFiles.read(root: sandbox.root, paths: ["pipe", "README.md"])
        #expect(files == [.init(path: "README.md", content: "hello\n")])
    }
}

/// The test stage's marker files are read through the same guard (issue #10, point 1).
@Suite struct TestCommandDetectorReadTests {
    @Test(.timeLimit(.minutes(1))) func markersBehindLinksOutOfTheRepositoryAreNotRead() throws {
        let sandbox = try GitSandbox()
        try sandbox.write("pyproject.toml", "[tool.pytest.ini_options]\n", in: sandbox.outside)
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/pyproject.toml", withDestinationPath: sandbox.outside + "/pyproject.toml"
        )
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/package.json", withDestinationPath: "/dev/zero")
        let path = "/usr/local/bin:/usr/bin:/bin"
        #expect(TestCommandDetector.detect(in: sandbox.root, path: path) == nil)
        // The same marker inside the repository is read.
        try FileManager.default.removeItem(atPath: sandbox.root + "/pyproject.toml")
        try sandbox.write("pyproject.toml", "[tool.pytest.ini_options]\n")
        #expect(
            TestCommandDetector.detect(in: sandbox.root, path: path) == ["python3", "-m", "pytest", "-q"])
    }
}
