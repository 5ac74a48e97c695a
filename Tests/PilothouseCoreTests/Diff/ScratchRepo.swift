import Foundation

/// A throwaway git repository, so the parser is tested against what git really writes rather
/// than against hand-typed diffs that may drift from it.
struct ScratchRepo {
    let root: URL

    struct CommandFailed: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let stderr: String
        var description: String { "\(command) exited \(status): \(stderr)" }
    }

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("pilothouse-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try git("init", "-q")
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    @discardableResult
    func git(_ arguments: String...) throws -> [UInt8] {
        try run(
            ["git", "-c", "core.autocrlf=false", "-c", "core.quotepath=true", "-c", "diff.noprefix=false"]
                + arguments)
    }

    /// Runs a command in the repository; `allowing` lists exit codes that are not failures
    /// (`diff` exits 1 when the files differ).
    @discardableResult
    func run(_ arguments: [String], allowing: Set<Int32> = [0]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = root.path
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_AUTHOR_NAME"] = "Test"
        environment["GIT_AUTHOR_EMAIL"] = "test@example.com"
        environment["GIT_COMMITTER_NAME"] = "Test"
        environment["GIT_COMMITTER_EMAIL"] = "test@example.com"
        environment["LC_ALL"] = "C"
        process.environment = environment
        let output = Pipe()
        let errors = FileManager.default.temporaryDirectory
            .appendingPathComponent("pilothouse-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let errorHandle = try FileHandle(forWritingTo: errors)
        process.standardOutput = output
        process.standardError = errorHandle
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        guard allowing.contains(process.terminationStatus) else {
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw CommandFailed(
                command: arguments.joined(separator: " "), status: process.terminationStatus, stderr: stderr)
        }
        return [UInt8](data)
    }

    func write(_ path: String, _ bytes: [UInt8]) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func write(_ path: String, _ text: String) throws {
        try write(path, Array(text.utf8))
    }

    func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
    }
}
