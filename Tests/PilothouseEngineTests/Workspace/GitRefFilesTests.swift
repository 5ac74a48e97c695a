import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// `GitRefFiles` answers from git's files what `git rev-parse --verify` answers, or says it
/// does not know; it never answers wrongly.
@Suite struct GitRefFilesTests {
    /// What git itself says `ref` points at, or nil.
    private func gitSays(_ sandbox: GitSandbox, _ ref: String) throws -> String? {
        let text = try sandbox.gitArgs(["rev-parse", "--verify", "--quiet", ref], allowFailure: true)
        return text.isEmpty ? nil : text
    }

    private func files(_ sandbox: GitSandbox) -> GitRefFiles {
        GitRefFiles(commonDirectory: sandbox.worktrees.commonDirectory)
    }

    @Test func looseAndPackedRefsAgreeWithGit() throws {
        let sandbox = try GitSandbox()
        let first = try sandbox.git("rev-parse", "HEAD")
        try sandbox.git("branch", "side")
        try sandbox.commitFile("a.txt", "a\n", branch: "side")
        let second = try sandbox.git("rev-parse", "side")
        try sandbox.git("update-ref", "refs/pilothouse/merges/one", first)
        try sandbox.git("branch", "pilothouse/job", first)
        let refs = files(sandbox)
        #expect(refs.lookup("refs/pilothouse/merges/one") == .found(first))
        #expect(refs.lookup("refs/heads/side") == .found(second))
        #expect(refs.lookup("refs/pilothouse/merges/two") == .absent)

        // Packed: the loose files go, the answers stay.
        try sandbox.git("tag", "-a", "-m", "annotated", "v1", first)  // a peeled `^` line in packed-refs
        try sandbox.git("pack-refs", "--all", "--prune")
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/.git/refs/pilothouse/merges/one"))
        #expect(refs.lookup("refs/pilothouse/merges/one") == .found(first))
        #expect(refs.lookup("refs/heads/pilothouse/job") == .found(first))
        #expect(refs.lookup("refs/heads/pilothouse") == .absent)

        // A loose ref written after packing wins over the packed line, as in git.
        try sandbox.git("update-ref", "refs/pilothouse/merges/one", second)
        #expect(refs.lookup("refs/pilothouse/merges/one") == .found(second))
        // Deleted: gone from both.
        try sandbox.git("update-ref", "-d", "refs/pilothouse/merges/one")
        #expect(refs.lookup("refs/pilothouse/merges/one") == .absent)
        for ref in [
            "refs/pilothouse/merges/one", "refs/heads/side", "refs/heads/pilothouse/job", "refs/tags/v1",
        ] {
            switch refs.lookup(ref) {
            case .found(let object): #expect(try gitSays(sandbox, ref) == object, "\(ref)")
            case .absent: #expect(try gitSays(sandbox, ref) == nil, "\(ref)")
            case .unknown: Issue.record("\(ref) should be answered from the files")
            }
        }
    }

    @Test func whatItCannotReadIsUnknownNeverAWrongAnswer() throws {
        let sandbox = try GitSandbox()
        let head = try sandbox.git("rev-parse", "HEAD")
        let refs = files(sandbox)
        let common = sandbox.worktrees.commonDirectory
        // Names a path could escape with, or git would refuse.
        for name in [
            "refs/heads/../../config", "refs/heads/a//b", "refs/heads/.hidden", "refs/heads/x.lock",
            "refs/heads/a\u{0}b", "refs/heads/a\u{1B}[31m", "HEAD", "/etc/passwd", "refs/heads/a:b",
        ] {
            #expect(refs.lookup(name) == .unknown, "\(name)")
        }
        // A symbolic link planted where a ref file belongs is not followed.
        try FileManager.default.createDirectory(
            atPath: common + "/refs/pilothouse", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: common + "/refs/pilothouse/planted", withDestinationPath: common + "/refs/heads/main")
        #expect(refs.lookup("refs/pilothouse/planted") == .unknown)
        // A symbolic ref or garbage in a ref file: git decides.
        try "ref: refs/heads/main\n".write(
            toFile: common + "/refs/heads/symbolic", atomically: true, encoding: .utf8)
        #expect(refs.lookup("refs/heads/symbolic") == .unknown)
        try "not an object name\n".write(
            toFile: common + "/refs/heads/garbage", atomically: true, encoding: .utf8)
        #expect(refs.lookup("refs/heads/garbage") == .unknown)
        // A huge file is not read.
        try Data(count: 1 << 20).write(to: URL(fileURLWithPath: common + "/refs/heads/huge"))
        #expect(refs.lookup("refs/heads/huge") == .unknown)
        // A reftable repository has no ref files to read.
        try FileManager.default.createDirectory(
            atPath: common + "/reftable", withIntermediateDirectories: true)
        #expect(refs.lookup("refs/heads/main") == .unknown)
        try FileManager.default.removeItem(atPath: common + "/reftable")
        #expect(refs.lookup("refs/heads/main") == .found(head))
    }

    /// The merger falls back on git where the files do not answer: an integration branch whose
    /// loose file is a symbolic ref still resolves (git follows it), a missing one is the typed
    /// error that says what to do.
    @Test func theMergerAsksGitWhenTheFilesDoNotAnswer() throws {
        let sandbox = try GitSandbox()
        let head = try sandbox.git("rev-parse", "HEAD")
        try sandbox.git("symbolic-ref", "refs/heads/integration", "refs/heads/main")
        let merger = IntegrationMerger(worktrees: sandbox.worktrees, integrationBranch: "integration")
        #expect(try merger.integrationTip() == head)
        let missing = IntegrationMerger(worktrees: sandbox.worktrees, integrationBranch: "nowhere")
        #expect(throws: MergeError.noIntegrationBranch("nowhere")) { try missing.integrationTip() }
    }
}
