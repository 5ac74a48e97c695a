import Foundation
import Testing

@testable import PilothouseEngine

/// Files an operator names are read, or refused with the real reason.
@Suite struct InputFileTests {
    let directory = TemporaryDirectory()

    @Test func eachReasonIsNamed() throws {
        #expect(throws: InputFileError.missing(directory.file("none"))) {
            try InputFile.read(directory.file("none"))
        }
        #expect(throws: InputFileError.directory(directory.path)) { try InputFile.read(directory.path) }
        let big = directory.file("big")
        _ = FileManager.default.createFile(atPath: big, contents: Data(count: 100_000))
        #expect(throws: InputFileError.tooLarge(big, limit: 65_536)) {
            try InputFile.read(big, limit: 65_536)
        }
        #expect(try InputFile.read(big).count == 100_000)
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
