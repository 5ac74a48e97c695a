import Foundation
import Testing

@testable import PilothouseEngine

/// Which test command the test stage runs when `[test] command` is not set: real marker files in
/// a real directory, and a PATH that holds only the programs a case says are installed.
@Suite struct TestCommandDetectorTests {
    let repository = TemporaryDirectory()
    let bin = TemporaryDirectory()

    /// Puts an executable `name` on the fake PATH.
    func install(_ names: String...) throws {
        for name in names {
            let path = bin.file(name)
            try "#!/bin/sh\nexit 0\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
    }

    func write(_ name: String, _ text: String = "") throws {
        try text.write(toFile: repository.file(name), atomically: true, encoding: .utf8)
    }

    func detect() -> [String]? { TestCommandDetector.detect(in: repository.path, path: bin.path) }

    @Test func aSwiftPackageRunsSwiftTest() throws {
        try install("swift", "cargo")
        try write("Package.swift")
        try write("Cargo.toml")
        #expect(detect() == ["swift", "test"])
    }

    @Test func aRunnerThatIsNotInstalledIsSkippedForTheNextOne() throws {
        try install("cargo")
        try write("Package.swift")
        try write("Cargo.toml")
        #expect(detect() == ["cargo", "test"])
    }

    @Test func nothingInstalledMeansNoCommandNotAFailingOne() throws {
        try write("Cargo.toml")
        try write("go.mod")
        #expect(detect() == nil)
    }

    @Test func goModulesTestEveryPackage() throws {
        try install("go")
        try write("go.mod", "module x\n")
        #expect(detect() == ["go", "test", "./..."])
    }

    @Test func npmOnlyWithARealTestScript() throws {
        try install("npm")
        try write("package.json", #"{"scripts": {"test": "echo \"Error: no test specified\" && exit 1"}}"#)
        #expect(detect() == nil)
        try write("package.json", #"{"scripts": {"test": "jest"}}"#)
        #expect(detect() == ["npm", "test", "--silent"])
        try write("package.json", "{ not json")
        #expect(detect() == nil)
        try write("package.json", #"{"scripts": {"test": 42}}"#)
        #expect(detect() == nil)
    }

    @Test(arguments: [
        ("pytest.ini", ""), ("conftest.py", ""), ("tox.ini", ""),
        ("pyproject.toml", "[tool.pytest.ini_options]\n"),
        ("setup.cfg", "[tool:pytest]\n"),
    ])
    func pythonProjectsThatUsePytest(marker: String, text: String) throws {
        try install("python3")
        try write(marker, text)
        #expect(detect() == ["python3", "-m", "pytest", "-q"])
    }

    @Test func aPyprojectWithoutPytestIsNotATestSuite() throws {
        try install("python3")
        try write("pyproject.toml", "[project]\nname = \"x\"\n")
        #expect(detect() == nil)
    }

    @Test func anEmptyOrMissingDirectoryHasNoCommand() throws {
        try install("swift")
        #expect(detect() == nil)
        #expect(TestCommandDetector.detect(in: repository.file("missing"), path: bin.path) == nil)
    }
}
