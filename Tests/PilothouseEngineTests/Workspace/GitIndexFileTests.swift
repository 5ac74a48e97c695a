import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// The index reader against indexes git itself wrote: the tracked paths and the cache tree's
/// root, and nothing (never a guess) where the cache tree does not cover the whole index.
@Suite struct GitIndexFileTests {
    @Test func readsThePathsAndTheRootTreeGitRecorded() async throws {
        // Git-heavy: on a thread of its own, not one of the two the cooperative pool has.
        _ = try await onOwnThreads(1) { _ in
            let sandbox = try GitSandbox(files: ["a.txt": Array("a\n".utf8), "d/e/f.txt": Array("f\n".utf8)])
            let index = sandbox.root + "/.git/index"
            // write-tree fills the cache tree of the index it reads.
            let tree = try sandbox.git("write-tree")
            let read = try #require(GitIndexFile(contentsOf: index))
            #expect(read.rootTree == tree)
            #expect(
                read.files == [[UInt8](".gitignore".utf8), [UInt8]("a.txt".utf8), [UInt8]("d/e/f.txt".utf8)])
            #expect(read.directories == [[UInt8]("d".utf8), [UInt8]("d/e".utf8)])

            // Staging a change invalidates the root of the cache tree: no tree rather than the old one.
            try sandbox.write("a.txt", "changed\n")
            try sandbox.git("add", "a.txt")
            #expect(try #require(GitIndexFile(contentsOf: index)).rootTree == nil)
            #expect(GitIndexFile(contentsOf: sandbox.root + "/no-such-index") == nil)
        }
    }
}
