import Foundation
import PilothouseCore

/// A job's transcript laid out as lines, once, when it arrives: the job view then draws only
/// the rows on screen, and a search walks plain lines, so a transcript of megabytes costs
/// nothing per frame.
///
/// Every entry gets a header (`── 2/5 implement · provider:model · 14:03:07`), then its prompt
/// and its answer (or a CLI agent's output) under labels. Tabs become four spaces; a line
/// longer than `chunkCharacters` is cut into several, so drawing one row is bounded however
/// long a minified answer is. Control characters stay: the canvas shows them as visible glyphs.
struct TranscriptDocument: Sendable, Hashable {
    struct Line: Sendable, Hashable {
        var text: String
        var role: ThemeRole
    }

    let lines: [Line]
    /// Model calls and agent runs in it.
    let entryCount: Int

    static let chunkCharacters = 240

    init(_ entries: [TranscriptEntry]) {
        var lines: [Line] = []
        for (i, entry) in entries.enumerated() {
            if i > 0 { lines.append(Line(text: "", role: .normal)) }
            let stage = entry.stage?.rawValue ?? "-"
            lines.append(
                Line(
                    text:
                        "── \(i + 1)/\(entries.count) \(stage) · \(entry.model) · \(Self.utcClock(entry.at)) ──",
                    role: .title))
            let agent = entry.source == .agent
            lines.append(Line(text: agent ? "ran:" : "prompt:", role: .accent))
            Self.append(entry.prompt, role: .muted, to: &lines)
            lines.append(Line(text: agent ? "output (tail):" : "answer:", role: .accent))
            Self.append(entry.response, role: .normal, to: &lines)
        }
        self.lines = lines
        self.entryCount = entries.count
    }

    /// `14:03:07Z`: the same on every machine and in every locale, like the beads' times.
    static func utcClock(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) % 86_400
        let day = seconds < 0 ? seconds + 86_400 : seconds
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(day / 3600)):\(two(day / 60 % 60)):\(two(day % 60))Z"
    }

    /// Splits on newline bytes rather than characters: grapheme breaking megabytes of text
    /// line by line cost half a second for 6 MB, the byte scan a few milliseconds. A line that
    /// fits in `chunkCharacters` bytes and has no tab (nearly all) is one copy.
    private static func append(_ text: String, role: ThemeRole, to lines: inout [Line]) {
        if text.isEmpty {
            lines.append(Line(text: "(empty)", role: .muted))
            return
        }
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
                var end = i
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                appendLine(UnsafeBufferPointer(rebasing: bytes[start..<end]), role: role, to: &lines)
                start = i + 1
            }
        }
    }

    private static func appendLine(
        _ bytes: UnsafeBufferPointer<UInt8>, role: ThemeRole, to lines: inout [Line]
    ) {
        if bytes.count <= chunkCharacters && !bytes.contains(0x09) {
            lines.append(Line(text: String(decoding: bytes, as: UTF8.self), role: role))
            return
        }
        var whole = String(decoding: bytes, as: UTF8.self)
        if bytes.contains(0x09) { whole = whole.replacingOccurrences(of: "\t", with: "    ") }
        var line = whole[...]
        // Linear in the line's length: `count` on each remainder would be quadratic.
        while let cut = line.index(line.startIndex, offsetBy: chunkCharacters, limitedBy: line.endIndex),
            cut < line.endIndex
        {
            lines.append(Line(text: String(line[..<cut]), role: role))
            line = line[cut...]
        }
        lines.append(Line(text: String(line), role: role))
    }
}
