import Foundation
import PilothouseCore

@testable import PilothouseEngine

/// A throwaway repository with one commit on `main`, plus helpers to build stage contexts.
final class GitSandbox: @unchecked Sendable {
    let root: String
    let outside: String

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    init(files: [String: [UInt8]] = ["README.md": Array("hello\n".utf8)]) throws {
        let base = NSTemporaryDirectory() + "pilothouse-ws-" + UUID().uuidString
        root = base + "/repo"
        outside = base + "/outside"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        try write(".gitignore", "/.pilothouse/\n")
        for (path, bytes) in files { try write(path, bytes) }
        try git("add", "-A")
        try git("commit", "-q", "-m", "initial")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
    }

    var repository: Repository { Repository(root: root) }
    var worktrees: WorktreeManager { WorktreeManager(repository: repository) }

    @discardableResult
    func git(_ arguments: String..., in directory: String? = nil) throws -> String {
        try gitArgs(arguments, in: directory)
    }

    @discardableResult
    func gitArgs(_ arguments: [String], in directory: String? = nil, allowFailure: Bool = false) throws
        -> String
    {
        let result = try GitRunner().run(
            arguments, in: directory ?? root,
            environment: [
                "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "Test",
                "GIT_COMMITTER_EMAIL": "t@example.com",
            ])
        if result.status != 0, !allowFailure {
            throw Failed(description: "git \(arguments.joined(separator: " ")): \(result.errorText)")
        }
        return result.text
    }

    func write(_ path: String, _ bytes: [UInt8], in directory: String? = nil) throws {
        let url = URL(fileURLWithPath: (directory ?? root) + "/" + path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func write(_ path: String, _ text: String, in directory: String? = nil) throws {
        try write(path, Array(text.utf8), in: directory)
    }

    func read(_ path: String, in directory: String? = nil) -> [UInt8]? {
        FileManager.default.contents(atPath: (directory ?? root) + "/" + path).map { [UInt8]($0) }
    }

    func commitFile(_ path: String, _ text: String, branch: String = "main", message: String = "change")
        throws
    {
        // Committed through a scratch worktree so the operator's checkout stays as the test set it.
        let scratch = (root as NSString).deletingLastPathComponent + "/scratch-" + UUID().uuidString
        try git("worktree", "add", "-q", scratch, branch)
        try write(path, text, in: scratch)
        try git("add", "-A", in: scratch)
        try git("commit", "-q", "-m", message, in: scratch)
        try git("worktree", "remove", "--force", scratch)
    }
}

/// Records what a stage stored and reported.
actor StageRecorder {
    var patches: [Patch] = []
    var beads: [(BeadKind, String, [String: String])] = []

    func save(_ patch: Patch) { patches.append(patch) }
    func record(_ kind: BeadKind, _ message: String, _ metadata: [String: String]) {
        beads.append((kind, message, metadata))
    }
    var latest: Patch? { patches.last }
}

/// A model that answers every request with the same text.
struct ScriptedModel: ModelClient {
    var text: String
    func complete(_ request: ModelRequest) async throws(ModelClientError) -> ModelResponse {
        ModelResponse(
            text: text, provider: "test", model: request.model, tokens: TokenCounts(), cost: Money(micros: 0),
            latencyMillis: 0)
    }
}

func makeContext(
    job: Job, stage: StageName, recorder: StageRecorder, model: any ModelClient = ScriptedModel(text: ""),
    root: String, approvedHunks: [Int]? = nil, initialPatch: Patch? = nil
) async -> StageContext {
    if let initialPatch { await recorder.save(initialPatch) }
    return StageContext(
        job: job, attempt: 1, spec: PipelineTemplate.StageSpec(stage), outputs: [:], feedback: nil,
        approvedHunks: approvedHunks, repositoryRoot: root,
        services: StageServices(
            models: model,
            recordBead: { kind, message, metadata in await recorder.record(kind, message, metadata) },
            savePatch: { patch in await recorder.save(patch) },
            latestPatch: { await recorder.latest }))
}

/// Runs `body` on `count` threads of its own at once and waits for all of them without
/// blocking a thread of the cooperative pool (two on a 2-core machine: blocking them with git
/// or a lock starves every other test running meanwhile).
func onOwnThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws
    -> [T]
{
    let results = ThreadResults<T>()
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                let result = Result { try body(index) }
                results.lock.lock()
                results.values[index] = result
                results.lock.unlock()
                group.leave()
            }.start()
        }
        group.notify(queue: .global()) { continuation.resume() }
    }
    return try (0..<count).map { try results.values[$0]!.get() }
}

/// What `onOwnThreads`' threads hand back, under a lock.
final class ThreadResults<T>: @unchecked Sendable {
    let lock = NSLock()
    var values: [Int: Result<T, any Error>] = [:]
}
