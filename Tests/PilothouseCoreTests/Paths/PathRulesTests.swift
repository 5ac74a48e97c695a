import Testing

@testable import PilothouseCore

@Suite("PathRules")
struct PathRulesTests {
    @Test(arguments: [
        ("a", "a"), ("a/b.txt", "a/b.txt"), ("./a//b", "a/b"), ("a/./b/", "a/b"),
        ("src/.gitignore", "src/.gitignore"),
        (".github/workflows/ci.yml", ".github/workflows/ci.yml"), ("a/..b/c..", "a/..b/c.."),
        ("tést file", "tést file"),
        ("a/~/b", "a/~/b"), ("ab:c", "ab:c"), (".gitmodules", ".gitmodules"), ("a/.git2/b", "a/.git2/b"),
    ])
    func acceptsAndNormalizes(_ input: String, _ normalized: String) throws {
        #expect(try PathRules.validate(relativePath: input) == normalized)
    }

    @Test(arguments: [
        ("", PathViolation.empty(path: "")),
        (".", .empty(path: ".")),
        ("./", .empty(path: "./")),
        ("/etc/passwd", .absolute(path: "/etc/passwd")),
        ("/", .absolute(path: "/")),
        ("~", .absolute(path: "~")),
        ("~/x", .absolute(path: "~/x")),
        ("~root/x", .absolute(path: "~root/x")),
        ("C:", .absolute(path: "C:")),
        ("c:/windows", .absolute(path: "c:/windows")),
        ("x:y", .absolute(path: "x:y")),
        ("..", .parentDirectory(path: "..")),
        ("../x", .parentDirectory(path: "../x")),
        ("a/../../x", .parentDirectory(path: "a/../../x")),
        ("a/..", .parentDirectory(path: "a/..")),
        (".git", .gitDirectory(path: ".git")),
        (".git/config", .gitDirectory(path: ".git/config")),
        ("sub/.git/config", .gitDirectory(path: "sub/.git/config")),
        ("./.git/hooks/pre-commit", .gitDirectory(path: "./.git/hooks/pre-commit")),
        (".GIT/config", .gitDirectory(path: ".GIT/config")),
        (".git./config", .gitDirectory(path: ".git./config")),
        (".git /config", .gitDirectory(path: ".git /config")),
        ("GIT~1/config", .gitDirectory(path: "GIT~1/config")),
        (".g\u{200C}it/config", .gitDirectory(path: ".g\u{200C}it/config")),
        ("a\u{0}b", .controlCharacter(path: "a\u{0}b")),
        ("a\nb", .controlCharacter(path: "a\nb")),
        ("a\u{1B}[31mb", .controlCharacter(path: "a\u{1B}[31mb")),
        ("a\u{7F}", .controlCharacter(path: "a\u{7F}")),
        ("a\u{85}", .controlCharacter(path: "a\u{85}")),
        ("a\\b", .backslash(path: "a\\b")),
        ("..\\x", .backslash(path: "..\\x")),
    ])
    func refuses(_ input: String, _ violation: PathViolation) {
        #expect(throws: violation) { try PathRules.validate(relativePath: input) }
    }

    @Test func descriptionNamesThePath() {
        let violation = PathViolation.parentDirectory(path: "../secret")
        #expect(violation.description.contains("\"../secret\""))
        #expect(violation.path == "../secret")
        // Control characters are shown escaped, not sent raw to the terminal.
        #expect(!PathViolation.controlCharacter(path: "a\u{1B}b").description.contains("\u{1B}"))
        #expect(PathViolation.gitDirectory(path: ".git/x").description.contains(".git"))
    }

    @Test func typedThrowsCarryTheViolation() {
        do {
            try PathRules.validate(relativePath: "/abs")
            Issue.record("accepted an absolute path")
        } catch {
            #expect(error == .absolute(path: "/abs"))
        }
    }
}
