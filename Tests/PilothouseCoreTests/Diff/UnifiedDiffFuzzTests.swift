import Foundation
import Testing

@testable import PilothouseCore

/// The parser is total: whatever the bytes, it returns or throws, and what it accepts it can
/// reproduce exactly.
@Suite("UnifiedDiff fuzzing")
struct UnifiedDiffFuzzTests {
    static let corpus = Array(
        ("diff --git a/hello.txt b/hello.txt\nindex 1111111..2222222 100644\n--- a/hello.txt\n+++ b/hello.txt\n"
            + "@@ -1,4 +1,5 @@ intro\n line 1\n-line 2\n+line two\n+line 2b\n line 3\n line 4\n"
            + "@@ -10,3 +11,2 @@\n line 10\n-line 11\n line 12\n"
            + "diff --git a/old name b/new name\nsimilarity index 88%\nrename from old name\nrename to new name\n"
            + "index 3333333..4444444\n--- a/old name\n+++ b/new name\n@@ -2 +2 @@\n-x\n\\ No newline at end of file\n+y\n"
            + "diff --git \"a/t\\303\\251st\" \"b/t\\303\\251st\"\nnew file mode 100755\nindex 0000000..5555555\n"
            + "--- /dev/null\n+++ \"b/t\\303\\251st\"\n@@ -0,0 +1,2 @@\n+caf\u{E9}\n+\r\n"
            + "diff --git a/m b/m\nold mode 100644\nnew mode 100755\n"
            + "diff --git a/img.bin b/img.bin\nindex 6666666..7777777 100644\nGIT binary patch\nliteral 7\n"
            + "OcmZQzWMXDwWdHyG00IC2\n\nliteral 4\nLcmZQzWMTZ(00RI3\n\n"
            + "diff --git a/gone b/gone\ndeleted file mode 100644\nindex 8888888..0000000\n"
            + "Binary files a/gone and /dev/null differ\n"
            + "--- plain/a\t2024-01-01 00:00:00\n+++ plain/b\t2024-01-01 00:00:00\n@@ -1 +1 @@\n-p\n+q\n")
            .utf8)

    static let fragments: [[UInt8]] = [
        "diff --git a/x b/x\n", "--- a/x\n", "+++ b/x\n", "@@ -1,2 +1,2 @@\n", "@@ -0,0 +1 @@\n", " ctx\n",
        "-old\n",
        "+new\n", "\\ No newline at end of file\n", "\n", "\r\n", "GIT binary patch\n", "literal 5\n",
        "zzzz\n",
        "new file mode 100644\n", "rename from a\n", "rename to b\n", "\"", "\\303", "/dev/null",
        "diff --cc x\n",
        "index 1..2 100644\n", "Binary files a/x and b/x differ\n", "@@ -99999999999999 +1 @@\n",
        "@@@ -1 @@@\n",
    ].map { Array($0.utf8) }

    @Test func corpusParsesAndRoundTrips() throws {
        let diff = try UnifiedDiff(parsing: Self.corpus)
        #expect(diff.files.count == 7)
        #expect(diff.render() == Self.corpus)
        #expect(diff.files.last?.oldPath == "plain/a")
    }

    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 0xD1FF)
        for iteration in 0..<2000 {
            var input: [UInt8] = []
            let length = Int.random(in: 0..<200, using: &generator)
            if iteration.isMultiple(of: 2) {
                for _ in 0..<length { input.append(UInt8.random(in: 0...255, using: &generator)) }
            } else {
                while input.count < length {
                    if Bool.random(using: &generator) {
                        input += Self.fragments.randomElement(using: &generator)!
                    } else {
                        input.append(UInt8.random(in: 0...255, using: &generator))
                    }
                }
            }
            Self.checkTotal(input, using: &generator)
        }
    }

    @Test func mutatedDiffsNeverCrash() {
        var generator = SeededGenerator(seed: 42)
        var accepted = 0
        for _ in 0..<2000 {
            let input = Self.mutate(Self.corpus, using: &generator)
            if Self.checkTotal(input, using: &generator) { accepted += 1 }
        }
        // Some mutations (flipping a context letter, duplicating a whole file) stay valid.
        #expect(accepted > 0 && accepted < 2000)
    }

    /// Large adversarial inputs must stay linear: a quadratic path would take minutes here.
    @Test func adversarialInputsStayFast() throws {
        let started = ContinuousClock.now
        let spaces = Array("diff --git ".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 300_001)
        #expect(throws: DiffParseError.self) { try UnifiedDiff(parsing: spaces) }
        let quotes =
            Array("diff --git ".utf8) + Array(repeating: Array(" \"a".utf8), count: 100_000).flatMap { $0 }
        #expect(throws: DiffParseError.self) { try UnifiedDiff(parsing: quotes) }
        let newlines = [UInt8](repeating: UInt8(ascii: "\n"), count: 300_000)
        #expect(throws: DiffParseError.self) { try UnifiedDiff(parsing: newlines) }

        let count = 100_000
        var big = Array("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,\(count) +1,\(count) @@\n".utf8)
        for _ in 0..<count { big += Array("-a\n+b\n".utf8) }
        big.removeLast(3)  // one added line short
        #expect(throws: DiffParseError.self) { try UnifiedDiff(parsing: big) }
        big += Array("+b\n".utf8)
        let diff = try UnifiedDiff(parsing: big)
        #expect(diff.stats == DiffStats(filesChanged: 1, linesAdded: count, linesRemoved: count))
        #expect(diff.render() == big)
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    /// Parses `input`; on success checks the round trip and that a random selection is itself a
    /// valid diff, on failure that the error points inside (or just past) the input.
    @discardableResult
    static func checkTotal(_ input: [UInt8], using generator: inout SeededGenerator) -> Bool {
        let lineCount = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
        do {
            let diff = try UnifiedDiff(parsing: input)
            #expect(diff.render() == input)
            let ids = diff.hunkIDs
            let chosen = Set(ids.filter { _ in Bool.random(using: &generator) })
            let selected = diff.selecting(hunks: chosen)
            #expect(selected.hunkIDs.count == chosen.count)
            let rendered = selected.render()
            let reparsed = try UnifiedDiff(parsing: rendered)
            #expect(reparsed.render() == rendered)
            #expect(reparsed.stats == selected.stats)
            return true
        } catch {
            #expect((1...max(1, lineCount + 1)).contains(error.line), "\(error)")
            #expect(!error.message.isEmpty)
            return false
        }
    }

    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(
            Array.init)
        let rounds = Int.random(in: 1...3, using: &generator)
        for _ in 0..<rounds {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0:
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            case 1 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                    in: 0...255, using: &generator)
            case 2 where !lines.isEmpty:
                let at = Int.random(in: 0..<lines.count, using: &generator)
                let length = Int.random(in: 1...min(8, lines.count - at), using: &generator)
                lines.insert(contentsOf: lines[at..<(at + length)], at: at)
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            case 3 where !lines.isEmpty:
                lines.remove(at: Int.random(in: 0..<lines.count, using: &generator))
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            case 4 where lines.count > 1:
                lines.swapAt(
                    Int.random(in: 0..<lines.count, using: &generator),
                    Int.random(in: 0..<lines.count, using: &generator))
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            default:
                let at = Int.random(in: 0...bytes.count, using: &generator)
                bytes.insert(contentsOf: fragments.randomElement(using: &generator)!, at: at)
            }
            lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(
                Array.init)
        }
        return bytes
    }
}
