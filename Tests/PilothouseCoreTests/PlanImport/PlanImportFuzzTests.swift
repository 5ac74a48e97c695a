import Foundation
import Testing

@testable import PilothouseCore

/// Seeded so a failure reproduces: the parser must be total over whatever a plan file holds.
@Suite("PlanImport: fuzz")
struct PlanImportFuzzTests {
    static let fragments = [
        "# ", "## ", "### ", "#### ", "###### ", "####### ", "- ", "* ", "+ ", "1. ", "12) ", "- [ ] ",
        "- [x] ", "  ",
        "\t", "    ", "**", "*", "`", "```", "~~~", "> ", "| ", " | ", "|---|---|", "---", "***", ":",
        "**Files:** ",
        "**Priority:** ", "Category: ", "P0", "P3", "Critical", "High", "Phase 1: ", "Recommendations",
        "Tasks",
        "Summary", "F1. ", "1.1 ", "src/a.py", "`x/y.swift:1-2`", "[link](http://x)", "(", ")", "[", "]", "é",
        "🚀",
        "\u{0}", "\u{FFFD}", "\r", "\r\n", "Feature Suggestions", "✅", "Fix the cache", "_", "\\|",
    ]

    static func markdownish(_ generator: inout SeededGenerator, lines: Int) -> String {
        var output = ""
        for _ in 0..<lines {
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                output += fragments.randomElement(using: &generator) ?? ""
            }
            output += "\n"
        }
        return output
    }

    static func checkInvariants(_ items: [PlanItem]) {
        #expect(Set(items.map(\.anchor)).count == items.count)
        for item in items {
            #expect(!item.title.isEmpty)
            #expect(!item.anchor.isEmpty)
            #expect(!item.goal.isEmpty)
            #expect(item.contentHash.count == 16)
            #expect(item.anchor == item.anchor.lowercased())
        }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 0xC0FFEE)
        for _ in 0..<300 {
            let count = Int.random(in: 0...600, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let items = PlanParser.parse(String(decoding: bytes, as: UTF8.self))
            Self.checkInvariants(items)
        }
    }

    @Test func randomMarkdownMixesKeepInvariants() {
        var generator = SeededGenerator(seed: 42)
        var total = 0
        for _ in 0..<400 {
            let text = Self.markdownish(&generator, lines: Int.random(in: 0...60, using: &generator))
            let items = PlanParser.parse(text)
            Self.checkInvariants(items)
            #expect(PlanParser.parse(text) == items)
            total += items.count
        }
        #expect(total > 0)  // the generator does reach item-producing shapes
    }

    @Test func largeAndPathologicalInputsFinish() {
        let longLine = String(repeating: "[*`|", count: 50_000)
        #expect(PlanParser.parse(longLine).isEmpty)
        let deepList = (0..<2_000).map { String(repeating: " ", count: $0) + "- item \($0)" }.joined(
            separator: "\n")
        _ = PlanParser.parse("## Tasks\n" + deepList)
        let many = (0..<5_000).map { "- [ ] Task number \($0 % 50)" }.joined(separator: "\n")
        let items = PlanParser.parse("## Backlog\n" + many)
        #expect(items.count == 5_000)
        #expect(Set(items.map(\.anchor)).count == 5_000)
        let headings = (0..<3_000).map {
            "## P\($0 % 4) — Bucket\n### \($0). Fix thing \($0)\n**Fix:** do it"
        }
        #expect(PlanParser.parse(headings.joined(separator: "\n")).count == 3_000)
    }
}
