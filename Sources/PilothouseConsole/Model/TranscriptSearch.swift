/// A `/` search in the job view's transcript: every occurrence of the query (ASCII letters
/// compared without case), and which one the operator is on (`n`/`N` move).
///
/// Matches are found once, when the query is entered, as byte ranges of the document's lines;
/// drawing looks up the visible lines' matches by binary search.
struct TranscriptSearch: Sendable, Hashable {
    struct Match: Sendable, Hashable {
        var line: Int
        /// UTF-8 offsets into the line's text.
        var start: Int
        var length: Int
    }

    let query: String
    let matches: [Match]
    /// The search stopped at `maximumMatches`.
    let truncated: Bool
    var current: Int = 0

    /// Enough for any useful search; a one-letter query in a huge transcript stops here.
    static let maximumMatches = 100_000

    init(query: String, in document: TranscriptDocument) {
        self.query = query
        let needle = Array(query.utf8).map(Self.folded)
        var matches: [Match] = []
        var truncated = false
        if !needle.isEmpty {
            scan: for (index, line) in document.lines.enumerated() {
                var text = line.text
                let found = text.withUTF8 { Self.occurrences(of: needle, in: $0) }
                for start in found {
                    if matches.count == Self.maximumMatches {
                        truncated = true
                        break scan
                    }
                    matches.append(Match(line: index, start: start, length: needle.count))
                }
            }
        }
        self.matches = matches
        self.truncated = truncated
    }

    var currentMatch: Match? { matches.indices.contains(current) ? matches[current] : nil }

    /// The matches on `line`, in order.
    func matches(onLine line: Int) -> ArraySlice<Match> {
        var low = 0
        var high = matches.count
        while low < high {
            let mid = (low + high) / 2
            if matches[mid].line < line { low = mid + 1 } else { high = mid }
        }
        var end = low
        while end < matches.count && matches[end].line == line { end += 1 }
        return matches[low..<end]
    }

    /// The first match on or after `line`, else the first of all.
    func firstMatch(fromLine line: Int) -> Int {
        matches.firstIndex { $0.line >= line } ?? 0
    }

    private static func folded(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }

    /// Start offsets of non-overlapping occurrences of `needle` (already folded) in `haystack`.
    private static func occurrences(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> [Int] {
        guard haystack.count >= needle.count else { return [] }
        var found: [Int] = []
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if folded(haystack[i]) == first {
                var j = 1
                while j < needle.count && folded(haystack[i + j]) == needle[j] { j += 1 }
                if j == needle.count {
                    found.append(i)
                    i += needle.count
                    continue
                }
            }
            i += 1
        }
        return found
    }
}
