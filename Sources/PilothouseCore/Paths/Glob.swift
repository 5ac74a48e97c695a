/// A shell-style pattern for policy rules such as forbidden paths (`**/*.pem`,
/// `.github/workflows/**`, `secrets/*`).
///
/// The pattern must match the whole repository-relative path; `*` and `?` stop at `/`, so
/// `secrets/*` does not reach into `secrets/sub/`, and `**` as a whole component spans any
/// number of directories (`**/x` also matches a top-level `x`; `dir/**` matches everything
/// below `dir`). Anything else named `**` acts like `*`, as in `.gitignore`. A `[` without a
/// closing `]` is a literal, so every pattern is valid and a typo cannot disable a rule by
/// throwing. Matching is dynamic programming over pattern × path, never exponential.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    private let tokens: [Token]

    private enum Token: Hashable, Sendable {
        case literal(Unicode.Scalar)
        /// `?`
        case anyCharacter
        /// `[abc]`, `[a-z]`, `[!abc]`
        case characterClass(ranges: [ClosedRange<Unicode.Scalar>], negated: Bool)
        /// `*`: any run of characters within one component.
        case star
        /// `**/`: zero or more whole components.
        case anyDirectories
        /// A trailing `/**`: a `/` and at least one more character.
        case everythingBelow
        /// The pattern `**` alone.
        case everything
    }

    public init(_ pattern: String) {
        self.pattern = pattern
        self.tokens = Glob.tokenize(Array(pattern.unicodeScalars))
    }

    public var description: String { pattern }

    public func matches(_ path: String) -> Bool {
        let text = Array(path.unicodeScalars)
        let slash: Unicode.Scalar = "/"
        // next[j]: tokens after the current one match text[j...].
        var next = [Bool](repeating: false, count: text.count + 1)
        next[text.count] = true
        var current = next
        for token in tokens.reversed() {
            current[text.count] = false
            switch token {
            case .literal, .anyCharacter, .characterClass:
                for j in 0...text.count {
                    current[j] = j < text.count && Glob.matchesOne(token, text[j]) && next[j + 1]
                }
            case .star:
                current[text.count] = next[text.count]
                for j in stride(from: text.count - 1, through: 0, by: -1) {
                    current[j] = next[j] || (text[j] != slash && current[j + 1])
                }
            case .anyDirectories:
                // inside: consume text[j...] up to and including a `/`, then match from there.
                current[text.count] = next[text.count]
                var inside = false
                for j in stride(from: text.count - 1, through: 0, by: -1) {
                    inside = text[j] == slash ? current[j + 1] : inside
                    current[j] = next[j] || inside
                }
            case .everythingBelow:
                for j in 0...text.count {
                    current[j] = j + 1 < text.count && text[j] == slash
                }
            case .everything:
                for j in 0...text.count { current[j] = true }
            }
            swap(&current, &next)
        }
        return next[0]
    }

    private static func matchesOne(_ token: Token, _ scalar: Unicode.Scalar) -> Bool {
        switch token {
        case .literal(let expected): scalar == expected
        case .anyCharacter: scalar != "/"
        case .characterClass(let ranges, let negated):
            scalar != "/" && ranges.contains { $0.contains(scalar) } != negated
        default: false
        }
    }

    private static func tokenize(_ pattern: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < pattern.count {
            let scalar = pattern[i]
            switch scalar {
            case "*":
                var end = i
                while end < pattern.count, pattern[end] == "*" { end += 1 }
                let atComponentStart = i == 0 || pattern[i - 1] == "/"
                if end - i >= 2, atComponentStart {
                    if end < pattern.count, pattern[end] == "/" {
                        tokens.append(.anyDirectories)
                        i = end + 1
                        continue
                    }
                    if end == pattern.count {
                        if i == 0 {
                            tokens.append(.everything)
                        } else if tokens.last == .literal("/") {
                            tokens.removeLast()
                            tokens.append(.everythingBelow)
                        } else {
                            // `**/**`: the `/` already went into `.anyDirectories`.
                            tokens.append(.everything)
                        }
                        i = end
                        continue
                    }
                }
                tokens.append(.star)
                i = end
            case "?":
                tokens.append(.anyCharacter)
                i += 1
            case "[":
                if let (token, end) = characterClass(pattern, from: i) {
                    tokens.append(token)
                    i = end
                } else {
                    tokens.append(.literal(scalar))
                    i += 1
                }
            case "\\" where i + 1 < pattern.count:
                tokens.append(.literal(pattern[i + 1]))
                i += 2
            default:
                tokens.append(.literal(scalar))
                i += 1
            }
        }
        return tokens
    }

    /// Parses `[…]` starting at `start`; nil when there is no closing `]`.
    private static func characterClass(_ pattern: [Unicode.Scalar], from start: Int) -> (Token, Int)? {
        var i = start + 1
        var negated = false
        if i < pattern.count, pattern[i] == "!" || pattern[i] == "^" {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var first = true
        while i < pattern.count {
            let scalar = pattern[i]
            if scalar == "]", !first {
                return (.characterClass(ranges: ranges, negated: negated), i + 1)
            }
            first = false
            if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                let upper = pattern[i + 2]
                if scalar <= upper { ranges.append(scalar...upper) }
                i += 3
            } else {
                ranges.append(scalar...scalar)
                i += 1
            }
        }
        return nil
    }
}
