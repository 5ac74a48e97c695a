/// Within-line emphasis for a removed line and the added line that replaced it, as delta shows
/// it: both lines are cut into tokens (words, runs of spaces, single punctuation), the longest
/// common subsequence of tokens is kept, and what is left on each side is the change.
///
/// Offsets are UTF-8 byte offsets, and token boundaries fall only at ASCII bytes, so a range
/// never splits a character.
public enum WordDiff {
    public struct Result: Hashable, Sendable {
        /// Changed runs of the removed line.
        public var removed: [Range<Int>]
        /// Changed runs of the added line.
        public var added: [Range<Int>]

        public init(removed: [Range<Int>], added: [Range<Int>]) {
            self.removed = removed
            self.added = added
        }

        public static let none = Result(removed: [], added: [])
    }

    /// Lines with more tokens than this are not compared (the table would grow quadratically);
    /// a diff viewer shows them without emphasis rather than stalling a frame.
    public static let maximumTokens = 400

    /// The changed runs of `old` and `new`, or `.none` when the lines share too little for
    /// emphasis to help (less than `minimumShared` of their bytes): then the whole line is the
    /// change, and colouring every word would only add noise.
    public static func compare(_ old: [UInt8], _ new: [UInt8], minimumShared: Double = 0.4) -> Result {
        let a = tokens(old)
        let b = tokens(new)
        guard !a.isEmpty, !b.isEmpty, a.count <= maximumTokens, b.count <= maximumTokens else { return .none }
        let (keptA, keptB) = commonSubsequence(a, old, b, new)
        var shared = 0
        for index in 0..<a.count where keptA[index] { shared += a[index].count }
        guard Double(shared * 2) >= minimumShared * Double(old.count + new.count) else { return .none }
        return Result(removed: changedRuns(a, keptA, old), added: changedRuns(b, keptB, new))
    }

    /// Words (letters, digits, `_`, non-ASCII), runs of blanks, and every other byte alone.
    static func tokens(_ line: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = 0
        while i < line.count {
            let byte = line[i]
            var j = i + 1
            if SyntaxLexer.isWordByte(byte) {
                while j < line.count, SyntaxLexer.isWordByte(line[j]) { j += 1 }
            } else if byte == 0x20 || byte == 0x09 {
                while j < line.count, line[j] == 0x20 || line[j] == 0x09 { j += 1 }
            }
            result.append(i..<j)
            i = j
        }
        return result
    }

    /// Which tokens of each side belong to a longest common subsequence (classic table, filled
    /// from the end so the walk forward picks the earliest match).
    private static func commonSubsequence(
        _ a: [Range<Int>], _ lineA: [UInt8], _ b: [Range<Int>], _ lineB: [UInt8]
    ) -> ([Bool], [Bool]) {
        let n = a.count
        let m = b.count
        let width = m + 1
        var table = [UInt16](repeating: 0, count: (n + 1) * width)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i * width + j] =
                    equal(lineA[a[i]], lineB[b[j]])
                    ? table[(i + 1) * width + j + 1] + 1
                    : max(table[(i + 1) * width + j], table[i * width + j + 1])
            }
        }
        var keptA = [Bool](repeating: false, count: n)
        var keptB = [Bool](repeating: false, count: m)
        var i = 0
        var j = 0
        while i < n, j < m {
            if equal(lineA[a[i]], lineB[b[j]]) {
                keptA[i] = true
                keptB[j] = true
                i += 1
                j += 1
            } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return (keptA, keptB)
    }

    private static func equal(_ x: ArraySlice<UInt8>, _ y: ArraySlice<UInt8>) -> Bool {
        x.count == y.count && x.elementsEqual(y)
    }

    /// Unkept tokens merged into runs; blanks between two changed tokens join the run, so
    /// `foo bar` → `baz qux` is one emphasised span, not two with a gap.
    private static func changedRuns(_ tokens: [Range<Int>], _ kept: [Bool], _ line: [UInt8]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var index = 0
        while index < tokens.count {
            guard !kept[index] else {
                index += 1
                continue
            }
            var end = index
            while end + 1 < tokens.count {
                if !kept[end + 1] {
                    end += 1
                } else if end + 2 < tokens.count, !kept[end + 2], isBlank(tokens[end + 1], line) {
                    end += 2
                } else {
                    break
                }
            }
            runs.append(tokens[index].lowerBound..<tokens[end].upperBound)
            index = end + 1
        }
        return runs
    }

    private static func isBlank(_ token: Range<Int>, _ line: [UInt8]) -> Bool {
        line[token].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }
}
