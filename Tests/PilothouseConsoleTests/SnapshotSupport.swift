import Foundation
import Testing

@testable import PilothouseConsole

/// Text-plus-style snapshots recorded next to the tests in `Snapshots/*.txt`.
///
/// Each file holds the canvas's rows, then a style mask with one letter per cell naming the theme
/// role drawn there (rendered with `Fixtures.probeTheme`, where every role is distinct). Set
/// `PILOTHOUSE_RECORD_SNAPSHOTS=1` to (re)write the files instead of comparing.
enum Snapshot {
    static let directory: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/") + "/Snapshots"
    }()

    static var isRecording: Bool { ProcessInfo.processInfo.environment["PILOTHOUSE_RECORD_SNAPSHOTS"] == "1" }

    static let letters: [ThemeRole: Character] = [
        .normal: ".", .muted: "m", .title: "t", .border: "b", .focusedBorder: "f", .accent: "a", .ok: "o",
        .warn: "w", .error: "e", .added: "+", .removed: "-", .hunkHeader: "h", .selection: "S",
        .gaugeFill: "g",
        .gaugeEmpty: "_", .statusLine: "s",
        .syntaxKeyword: "k", .syntaxString: "q", .syntaxComment: "c", .syntaxNumber: "n", .addedEmphasis: "A",
        .removedEmphasis: "R",
    ]

    static let styleLetters: [Style: Character] = {
        let theme = Fixtures.probeTheme
        var map: [Style: Character] = [:]
        for (role, letter) in letters {
            let upper = Character(letter.uppercased())
            if role != .statusLine, upper != letter { map[theme.style(role, on: .statusLine)] = upper }
        }
        for (role, letter) in letters { map[theme[role]] = letter }
        return map
    }()

    static func text(of canvas: Canvas) -> String {
        var out = "# \(canvas.width)×\(canvas.height)\n"
        for line in canvas.lines { out += line + "\n" }
        out += "--- styles\n"
        for y in 0..<canvas.height {
            var row = ""
            for x in 0..<canvas.width { row.append(styleLetters[canvas[x, y].style] ?? "?") }
            out += row + "\n"
        }
        return out
    }

    static func check(_ canvas: Canvas, named name: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let path = "\(directory)/\(name).txt"
        let actual = text(of: canvas)
        if isRecording {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            Issue.record(
                "no snapshot \(name).txt; record with PILOTHOUSE_RECORD_SNAPSHOTS=1",
                sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            var detail = ""
            for i in 0..<max(expectedLines.count, actualLines.count) {
                let e = i < expectedLines.count ? String(expectedLines[i]) : "<none>"
                let a = i < actualLines.count ? String(actualLines[i]) : "<none>"
                if e != a {
                    detail = "first difference at line \(i + 1):\n  expected: \(e)\n  actual:   \(a)"
                    break
                }
            }
            Issue.record("snapshot \(name) differs; \(detail)", sourceLocation: sourceLocation)
        }
    }
}
