import Foundation
import Testing

@testable import PilothouseEngine

/// Files an operator names are read, or refused with the real reason.
@Suite struct InputFileTests {
    let directory = TemporaryDirectory()

    @Test func eachReasonIsNamed() throws {
        #expect(throws: BoundedFile.Failure.missing) {
            try BoundedFile.read(directory.file("none"), limit: 10)
        }
        #expect(throws: BoundedFile.Failure.directory) { try BoundedFile.read(directory.path, limit: 10) }
        let big = directory.file("big")
        _ = FileManager.default.createFile(atPath: big, contents: Data(count: 100_000))
        #expect(throws: BoundedFile.Failure.tooLarge) { try BoundedFile.read(big, limit: 65_536) }
        #expect(try BoundedFile.read(big, limit: 100_000).count == 100_000)
        #expect(
            BoundedFile.Failure.directory.message(path: "/tmp", limitKey: "plan_bytes", limit: 1)
                .contains("is a directory"))
    }

    @Test func aConfigurationPathThatIsADirectorySaysSo() throws {
        let path = directory.file("pilothouse.toml")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect {
            try PilothouseConfig.load(path: path)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("is a directory") && !text.contains("permissions")
        }
    }

    @Test func aBadRedactionPatternSaysWhatIsWrong() throws {
        let cases = [
            "token(": "'(' is never closed", "a)b": "')' closes no group", "[abc": "'[' is never closed",
            "*x": "starts with '*'", "x\\": "lone backslash",
        ]
        for (regex, hint) in cases {
            let text = "[redaction.patterns]\nmine = '\(regex)'\n"
            #expect {
                try PilothouseConfig.parse(text, path: "p.toml")
            } throws: { error in
                let message = String(describing: error)
                return message.contains(hint) && message.hasPrefix("p.toml:2:")
                    && !message.contains("NSCocoaErrorDomain")
            }
        }
    }
}
