import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// Bytes and sizes a configuration may not have (issue #10, points 21 and 22).
@Suite struct ConfigInputTests {
    @Test func aNULIsRefusedWithItsLineInsteadOfCuttingTheFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("pilothouse.toml")
        try Data("[jobs]\nmax_attempts = 3\n\0\n[bogus]\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigError.controlCharacter(path: path, line: 3, column: 1, value: 0)) {
            try PilothouseConfig.load(path: path)
        }
        let message = ConfigError.controlCharacter(path: path, line: 3, column: 1, value: 0).description
        #expect(message.hasPrefix("\(path):3:1: "))
        #expect(message.contains("NUL"))
    }

    @Test(arguments: [
        ("a = 1\u{1B}[2J\n", 1, 6, UInt8(0x1B)), ("# ok\n\n x\u{7F}", 3, 3, UInt8(0x7F)),
        ("[jobs]\u{0C}\n", 1, 7, UInt8(0x0C)),
    ])
    func otherControlCharactersAreRefusedToo(text: String, line: Int, column: Int, value: UInt8) {
        #expect(
            throws: ConfigError.controlCharacter(path: "p.toml", line: line, column: column, value: value)
        ) {
            try PilothouseConfig.parse(text, path: "p.toml")
        }
    }

    @Test func tabsAndWindowsLineEndingsAreFine() throws {
        let config = try PilothouseConfig.parse("[jobs]\r\n\tmax_attempts = 5\r\n", path: "p.toml")
        #expect(config.jobs.maxAttempts == 5)
    }

    @Test func anOversizedConfigIsRefusedBeforeItIsRead() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("pilothouse.toml")
        let line = Data("# padding padding padding padding padding padding padding padding padding\n".utf8)
        var data = Data()
        while data.count <= InputLimits.configBytes { data.append(line) }
        try data.write(to: URL(fileURLWithPath: path))
        #expect {
            try PilothouseConfig.load(path: path)
        } throws: { error in
            guard case ConfigError.tooLarge(path, 0, let limit) = error else { return false }
            return limit.limit == InputLimits.configBytes && limit.description.contains("1048576 bytes")
        }
    }

    @Test func aDirectoryIsNamedAsSuch() throws {
        let directory = TemporaryDirectory()
        #expect(throws: ConfigError.isDirectory(path: directory.path)) {
            try PilothouseConfig.load(path: directory.path)
        }
    }

    @Test func tooManyRedactionPatternsAreRefusedBeforeCompilingAny() throws {
        var text = "[limits]\nredaction_patterns = 3\n\n[redaction.patterns]\n"
        for index in 0..<4 { text += "p\(index) = \"secret\(index)[\"\n" }
        #expect {
            try PilothouseConfig.parse(text, path: "p.toml")
        } throws: { error in
            // The patterns are invalid regular expressions: a compile would have failed first.
            guard case ConfigError.tooLarge("p.toml", 4, let limit) = error else { return false }
            return limit.key == "redaction_patterns" && limit.limit == 3
                && limit.description.contains("[limits] redaction_patterns")
        }
        let raised = try PilothouseConfig.parse(
            "[limits]\nredaction_patterns = 4\n[redaction.patterns]\na = \"x1\"\nb = \"x2\"\n", path: "p.toml"
        )
        #expect(raised.redaction.patterns.count == 2)
    }

    @Test func limitsAreReadAndBounded() throws {
        let config = try PilothouseConfig.parse(
            "[limits]\npatch_bytes = 2048\nplan_bytes = 4096\nplan_items = 7\n", path: "p.toml")
        #expect(config.limits.patchBytes == 2048)
        #expect(config.limits.planBytes == 4096)
        #expect(config.limits.planItems == 7)
        #expect(throws: ConfigError.self) {
            try PilothouseConfig.parse("[limits]\npatch_bytes = 0\n", path: "p.toml")
        }
    }

    @Test(.timeLimit(.minutes(1))) func aPipeIsReadUpToTheLimitAndNoFurther() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("big")
        try Data(repeating: 0x61, count: 10_000).write(to: URL(fileURLWithPath: path))
        #expect(try BoundedFile.read(path, limit: 10_000).count == 10_000)
        #expect(throws: BoundedFile.Failure.tooLarge) { try BoundedFile.read(path, limit: 9_999) }
        #expect(throws: BoundedFile.Failure.missing) { try BoundedFile.read(path + ".none", limit: 10) }
        // A FIFO has no size to trust: the bound must hold while reading. The writer sends
        // exactly one byte too many, so it is done before the reader stops (no SIGPIPE).
        let fifo = directory.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo) {
                try? handle.write(contentsOf: Data(repeating: 0x62, count: 100_001))
                try? handle.close()
            }
        }
        writer.start()
        #expect(throws: BoundedFile.Failure.tooLarge) { try BoundedFile.read(fifo, limit: 100_000) }
    }
}
