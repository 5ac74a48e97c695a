import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// The in-process `git clean -ffdx` of a pooled worktree: what it leaves must be exactly what
/// git's own clean leaves, for every index version and every kind of litter a job or its tests
/// can leave, and it must hand anything it is unsure of back to git untouched.
@Suite(.serialized) struct WorktreeCleanerTests {
    /// Bytes that are not UTF-8, and a newline, in file names: git stores names as bytes.
    static let oddName: [UInt8] = [0x6F, 0x64, 0x64, 0xFF, 0xFE, 0x2E, 0x74, 0x78, 0x74]
    static let newlineName = "line\nbreak.txt"

    /// A repository whose tracked paths exercise the reader: nesting, a tracked symlink to a
    /// directory, odd names, a long path.
    func makeSandbox() throws -> GitSandbox {
        let sandbox = try GitSandbox(files: [
            "a.txt": [UInt8]("a\n".utf8), "dir/b.txt": [UInt8]("b\n".utf8),
            "dir/sub/c.txt": [UInt8]("c\n".utf8),
            Self.newlineName: [UInt8]("n\n".utf8),
            String(repeating: "long/", count: 60) + "deep.txt": [UInt8]("deep\n".utf8),
        ])
        try Self.create([UInt8](sandbox.root.utf8) + [0x2F] + Self.oddName, [UInt8]("odd\n".utf8))
        #expect(symlink("dir", sandbox.root + "/tracked-link") == 0)
        try sandbox.git("add", "-A")
        try sandbox.git("commit", "-q", "-m", "odd names")
        return sandbox
    }

    /// A detached worktree of main with the index written in `version`, littered.
    func litteredWorktree(_ sandbox: GitSandbox, _ name: String, indexVersion version: Int) throws -> String {
        let path = sandbox.outside + "/" + name
        try sandbox.git("worktree", "add", "-q", "--detach", path, "main")
        try sandbox.git("update-index", "--index-version", "\(version)", in: path)
        if version == 3 {
            // An extended flag makes git write version 3 entries for real.
            try sandbox.git("update-index", "--skip-worktree", "a.txt", in: path)
        }
        try FileManager.default.createDirectory(
            atPath: sandbox.outside + "/target", withIntermediateDirectories: true)
        try sandbox.write("precious.txt", "outside the worktree\n", in: sandbox.outside + "/target")
        try sandbox.write("untracked.txt", "u\n", in: path)
        try sandbox.write("dir/untracked.txt", "u\n", in: path)
        try sandbox.write("dir/sub/new/deeper/x.txt", "x\n", in: path)
        try sandbox.write("build/out.o", "ignored\n", in: path)
        try sandbox.write(".gitignore", "/.pilothouse/\nbuild/\n", in: path)
        try sandbox.write("nested/inner.txt", "nested repository\n", in: path)
        try sandbox.git("init", "-q", in: path + "/nested")
        try sandbox.write("later.txt", "intent to add\n", in: path)
        try sandbox.git("add", "--intent-to-add", "later.txt", in: path)
        try sandbox.git("rm", "-q", "--cached", "later.txt", in: path)
        #expect(symlink(sandbox.outside + "/target", path + "/link-out") == 0)
        #expect(symlink(sandbox.outside + "/target", path + "/dir/link-in-dir") == 0)
        try Self.create(
            [UInt8](path.utf8) + [0x2F] + Self.oddName + [0x2E, 0x6E, 0x65, 0x77], [UInt8]("o\n".utf8))
        try sandbox.write("other\nline.txt", "n\n", in: path)
        try sandbox.write(String(repeating: "long/", count: 60) + "stray.txt", "s\n", in: path)
        return path
    }

    @Test(arguments: [2, 3, 4])
    func leavesExactlyWhatGitCleanLeaves(indexVersion: Int) async throws {
        // Git-heavy: on a thread of its own, not one of the two the cooperative pool has.
        _ = try await onOwnThreads(1) { _ in
            let sandbox = try makeSandbox()
            let ours = try litteredWorktree(sandbox, "ours", indexVersion: indexVersion)
            let gits = try litteredWorktree(sandbox, "gits", indexVersion: indexVersion)
            #expect(try Self.listing(ours) == Self.listing(gits), "the two worktrees start alike")
            let admin = try #require(
                WorktreeRegistration.find(at: ours, commonDirectory: sandbox.repository.commonGitDirectory)
            )
            .adminDirectory

            #expect(try WorktreeCleaner(root: ours, index: admin + "/index").clean())
            try sandbox.git("clean", "-q", "-f", "-f", "-d", "-x", in: gits)

            let left = try Self.listing(ours)
            #expect(left == (try Self.listing(gits)))
            #expect(left.contains(Self.oddName))
            #expect(left.contains([UInt8](Self.newlineName.utf8)))
            #expect(left.contains([UInt8]("tracked-link".utf8)))
            #expect(!left.contains([UInt8]("untracked.txt".utf8)))
            #expect(
                FileManager.default.fileExists(atPath: sandbox.outside + "/target/precious.txt"),
                "a symlink's target outside the worktree was removed")
            let status = try sandbox.git(
                "status", "--porcelain", "--ignored", "--untracked-files=all", in: ours)
            #expect(
                !status.split(separator: "\n").contains { $0.hasPrefix("??") || $0.hasPrefix("!!") },
                "git still sees untracked or ignored files: \(status)")
        }
    }

    @Test func aSplitIndexIsLeftToGit() async throws {
        // Git-heavy: on a thread of its own, not one of the two the cooperative pool has.
        _ = try await onOwnThreads(1) { _ in
            let sandbox = try makeSandbox()
            let path = try litteredWorktree(sandbox, "split", indexVersion: 2)
            try sandbox.git("update-index", "--split-index", in: path)
            let admin = try #require(
                WorktreeRegistration.find(at: path, commonDirectory: sandbox.repository.commonGitDirectory)
            )
            .adminDirectory
            let before = try Self.listing(path)
            #expect(try WorktreeCleaner(root: path, index: admin + "/index").clean() == false)
            #expect(try Self.listing(path) == before, "nothing is removed when the index is not read")
        }
    }

    @Test func anIndexThatDoesNotReadIsLeftToGit() async throws {
        // Git-heavy: on a thread of its own, not one of the two the cooperative pool has.
        _ = try await onOwnThreads(1) { _ in
            let sandbox = try makeSandbox()
            let path = try litteredWorktree(sandbox, "broken", indexVersion: 4)
            let admin = try #require(
                WorktreeRegistration.find(at: path, commonDirectory: sandbox.repository.commonGitDirectory)
            )
            .adminDirectory
            let index = try #require(FileManager.default.contents(atPath: admin + "/index"))
            let before = try Self.listing(path)
            // Every truncation, and garbage: never a crash, never a removal on a guess.
            for cut in stride(from: 0, to: index.count - 20, by: max(1, index.count / 97)) {
                let damaged = sandbox.outside + "/index-\(cut)"
                try Data(index.prefix(cut)).write(to: URL(fileURLWithPath: damaged))
                #expect(try WorktreeCleaner(root: path, index: damaged).clean() == false, "cut at \(cut)")
            }
            let garbage = sandbox.outside + "/index-garbage"
            try Data(
                "DIRC\u{0}\u{0}\u{0}\u{2}\u{FF}\u{FF}\u{FF}\u{FF}".utf8 + [UInt8](repeating: 0xFF, count: 200)
            )
            .write(to: URL(fileURLWithPath: garbage))
            #expect(try WorktreeCleaner(root: path, index: garbage).clean() == false)
            #expect(try Self.listing(path) == before)
        }
    }

    @Test func aTrackedDirectoryReplacedByASymlinkIsLeftToGit() async throws {
        // Git-heavy: on a thread of its own, not one of the two the cooperative pool has.
        _ = try await onOwnThreads(1) { _ in
            let sandbox = try makeSandbox()
            let path = try litteredWorktree(sandbox, "swapped", indexVersion: 2)
            try FileManager.default.removeItem(atPath: path + "/dir")
            #expect(symlink(sandbox.outside + "/target", path + "/dir") == 0)
            let admin = try #require(
                WorktreeRegistration.find(at: path, commonDirectory: sandbox.repository.commonGitDirectory)
            )
            .adminDirectory
            #expect(try WorktreeCleaner(root: path, index: admin + "/index").clean() == false)
            #expect(FileManager.default.fileExists(atPath: sandbox.outside + "/target/precious.txt"))
        }
    }

    /// Every path below `root` (its `.git` file aside), as bytes, sorted; links not followed.
    static func listing(_ root: String) throws -> [[UInt8]] {
        var found: [[UInt8]] = []
        func walk(_ relative: [UInt8]) throws {
            let absolute = [UInt8](root.utf8) + (relative.isEmpty ? [] : [0x2F] + relative)
            let directory = (absolute + [0]).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { opendir($0.baseAddress!) }
            }
            guard let directory else { throw GitSandbox.Failed(description: "cannot list \(absolute)") }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
                if name == [0x2E] || name == [0x2E, 0x2E]
                    || (relative.isEmpty && name == [UInt8](".git".utf8))
                {
                    continue
                }
                let path = relative.isEmpty ? name : relative + [0x2F] + name
                found.append(path)
                if entry.pointee.d_type == UInt8(DT_DIR) { try walk(path) }
            }
        }
        try walk([])
        return found.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func create(_ path: [UInt8], _ contents: [UInt8]) throws {
        let descriptor = (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            }
        }
        guard descriptor >= 0 else { throw GitSandbox.Failed(description: "cannot create a file") }
        defer { close(descriptor) }
        guard write(descriptor, contents, contents.count) == contents.count else {
            throw GitSandbox.Failed(description: "cannot write a file")
        }
    }
}
