import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

@Suite struct PathGuardTests {
    @Test(arguments: ["../x", "/etc/passwd", ".git/config", "a/../../x", ".GIT/hooks/pre-commit"])
    func refusesEscapingPaths(path: String) throws {
        let sandbox = try GitSandbox()
        let guardian = PathGuard(root: sandbox.root)
        #expect(throws: PathGuardError.self) { try guardian.write(path, Array("x".utf8)) }
        #expect(throws: PathGuardError.self) { try guardian.validate(path) }
    }

    @Test func refusesASymlinkedAncestorPointingOutside() throws {
        let sandbox = try GitSandbox()
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/evil", withDestinationPath: sandbox.outside)
        let guardian = PathGuard(root: sandbox.root)
        #expect(throws: PathGuardError.symlink(path: "evil/x.txt", component: "evil")) {
            try guardian.write("evil/x.txt", Array("pwned".utf8))
        }
        #expect(throws: PathGuardError.symlink(path: "evil/x.txt", component: "evil")) {
            try guardian.read("evil/x.txt")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.outside).isEmpty)
    }

    @Test func refusesASymlinkAsTheTarget() throws {
        let sandbox = try GitSandbox()
        try sandbox.write("target.txt", "outside\n", in: sandbox.outside)
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/link.txt", withDestinationPath: sandbox.outside + "/target.txt")
        #expect(throws: PathGuardError.self) {
            try PathGuard(root: sandbox.root).write("link.txt", Array("x".utf8))
        }
        #expect(sandbox.read("target.txt", in: sandbox.outside) == Array("outside\n".utf8))
    }

    @Test func aSymlinkSwappedInAfterValidationIsNotFollowed() throws {
        let sandbox = try GitSandbox()
        try FileManager.default.createDirectory(
            atPath: sandbox.root + "/dir", withIntermediateDirectories: true)
        let guardian = PathGuard(root: sandbox.root)
        #expect(try guardian.validate("dir/file.txt") == "dir/file.txt")
        // The race: between the check and the write, `dir` becomes a link to outside.
        try FileManager.default.removeItem(atPath: sandbox.root + "/dir")
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.root + "/dir", withDestinationPath: sandbox.outside)
        #expect(throws: PathGuardError.self) { try guardian.write("dir/file.txt", Array("pwned".utf8)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.outside).isEmpty)
    }

    @Test func writesCreateDirectoriesAndKeepTheMode() throws {
        let sandbox = try GitSandbox()
        try sandbox.write("run.sh", "#!/bin/sh\n")
        chmod(sandbox.root + "/run.sh", 0o755)
        let guardian = PathGuard(root: sandbox.root)
        try guardian.write("a/b/c.txt", [0xFF, 0x00, 0x0A])
        try guardian.write("run.sh", Array("#!/bin/sh\necho hi\n".utf8))
        #expect(sandbox.read("a/b/c.txt") == [0xFF, 0x00, 0x0A])
        let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.root + "/run.sh")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o755)
        #expect(try guardian.read("missing.txt") == nil)
    }
}
