import Testing

@testable import PilothouseCore

@Suite("Glob")
struct GlobTests {
    @Test(arguments: [
        // Forbidden-path policies.
        ("**/*.pem", "key.pem", true), ("**/*.pem", "certs/key.pem", true),
        ("**/*.pem", "a/b/c/key.pem", true),
        ("**/*.pem", "key.pem.txt", false), ("**/*.pem", "certs/pem", false),
        (".github/workflows/**", ".github/workflows/ci.yml", true),
        (".github/workflows/**", ".github/workflows/sub/x.yml", true),
        (".github/workflows/**", ".github/workflows", false),
        (".github/workflows/**", ".github/other.yml", false),
        ("secrets/*", "secrets/a.txt", true), ("secrets/*", "secrets/sub/a.txt", false),
        ("secrets/*", "app/secrets/a.txt", false), ("secrets/*", "secrets", false),
        // `*` and `?` stay within a component.
        ("*.swift", "main.swift", true), ("*.swift", "Sources/main.swift", false), ("a?c", "abc", true),
        ("a?c", "a/c", false), ("*", "", true), ("*", "a/b", false),
        // `**` in the middle and alone.
        ("a/**/b", "a/b", true), ("a/**/b", "a/x/y/b", true), ("a/**/b", "a/xb", false),
        ("**", "any/thing", true),
        ("**/**", "x/y", true), ("a**b", "axxb", true), ("a**b", "ax/b", false), ("**/x", "x", true),
        // Classes.
        ("[abc].txt", "b.txt", true), ("[abc].txt", "d.txt", false), ("[!abc].txt", "d.txt", true),
        ("[a-c]1", "c1", true), ("[a-c]1", "d1", false), ("x[/]y", "x/y", false), ("[]]", "]", true),
        ("[unclosed", "[unclosed", true), ("\\*", "*", true), ("\\*", "a", false),
        ("id_rsa*", "id_rsa.pub", true), ("**/.env", "deploy/.env", true), ("**/.env", ".env", true),
        ("**/.env", "deploy/.envrc", false), ("é*", "été", true),
    ])
    func matches(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(Glob(pattern).matches(path) == expected, "\(pattern) vs \(path)")
    }

    @Test func manyStarsStayFast() {
        let pattern = Glob(String(repeating: "*a", count: 60) + "b")
        let path = String(repeating: "a", count: 5_000)
        #expect(!pattern.matches(path))
        #expect(
            Glob(String(repeating: "**/", count: 50) + "x").matches(String(repeating: "d/", count: 500) + "x")
        )
    }

    @Test func keepsItsPattern() {
        #expect(Glob("**/*.pem").description == "**/*.pem")
        #expect(Glob("a") == Glob("a"))
    }
}
