import Foundation

/// One kind of secret or personal data the redactor looks for.
///
/// A pattern may capture the sensitive part in a group named `secret`; then only that part is
/// replaced, so `password=hunter2@db` keeps its key and `https://user:pw@host` keeps its host,
/// which is what makes redacted output still useful for debugging.
public struct SecretPattern: Sendable, CustomStringConvertible {
    /// Short code shown in `[REDACTED:kind]` and in policy reports.
    public let kind: String
    public let source: String
    public let check: Check
    let expression: NSRegularExpression
    let hasSecretGroup: Bool

    /// Extra tests a match must pass; they keep broad patterns from eating ordinary text.
    public enum Check: Sendable, Hashable {
        case none
        /// Letters and digits mixed, at least `minLength` long, and at least `minBits` of
        /// Shannon entropy per character: real keys are random, identifiers and words are not.
        case highEntropy(minLength: Int, minBits: Double)
        /// Not a documentation address (`example.com`, `git@github.com`) or an asset name
        /// that merely looks like one (`icon@2x.png`).
        case realEmail
        /// Contains at least one digit and one letter.
        case alphanumericMix
    }

    public init(kind: String, regex: String, check: Check = .none) throws(RedactionError) {
        guard !kind.isEmpty, kind.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw .invalidKind(kind)
        }
        do {
            expression = try NSRegularExpression(pattern: regex, options: [])
        } catch {
            throw .invalidPattern(kind: kind, pattern: regex, detail: Self.syntaxHint(regex))
        }
        guard expression.firstMatch(in: "", options: [], range: NSRange(location: 0, length: 0)) == nil else {
            throw .matchesEmpty(kind: kind, pattern: regex)
        }
        self.kind = kind
        self.source = regex
        self.check = check
        self.hasSecretGroup = regex.contains("(?<secret>")
    }

    public var description: String { "\(kind): \(source)" }

    /// What is likely wrong with a pattern ICU refused: its own error carries no reason
    /// (only `NSCocoaErrorDomain Code=2048`), so look for the usual mistakes.
    static func syntaxHint(_ regex: String) -> String {
        var depth = 0
        var inClass = false
        var escaped = false
        for character in regex {
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "[" where !inClass: inClass = true
            case "]" where inClass: inClass = false
            case "(" where !inClass: depth += 1
            case ")" where !inClass:
                depth -= 1
                if depth < 0 { return "a ')' closes no group; escape it as \\)" }
            default: break
            }
        }
        if escaped { return "it ends in a lone backslash; in TOML write \\\\ or use a 'literal string'" }
        if inClass { return "a '[' is never closed; escape it as \\[ to match it literally" }
        if depth > 0 { return "a '(' is never closed; escape it as \\( to match it literally" }
        if let first = regex.first, "*+?{".contains(first) {
            return "it starts with '\(first)', which repeats nothing; escape it to match it literally"
        }
        return "check quantifiers, groups and escapes (ICU syntax)"
    }

    /// Built-in patterns, most specific first, so a GitHub token is reported as such rather
    /// than as a generic high-entropy assignment. Every repetition that is not anchored by a
    /// literal prefix is bounded, because redaction runs over megabytes of test output and an
    /// unbounded `[…]*` before a keyword backtracks quadratically on long base64 runs.
    public static let builtIn: [SecretPattern] = {
        let table: [(String, String, Check)] = [
            (
                "private_key",
                #"-----BEGIN [A-Z0-9 ]{0,24}PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,16384}?-----END [A-Z0-9 ]{0,24}PRIVATE KEY(?: BLOCK)?-----"#,
                .none
            ),
            ("private_key", #"-----BEGIN [A-Z0-9 ]{0,24}PRIVATE KEY(?: BLOCK)?-----"#, .none),
            (
                "aws_access_key",
                #"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[0-9A-Z]{16}\b"#, .none
            ),
            (
                "aws_secret_key",
                #"(?i)aws_?secret_?(?:access_?)?key["']?\s*[:=]+\s*["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"#,
                .none
            ),
            ("github_token", #"\bgh[pousr]_[A-Za-z0-9]{36,255}\b"#, .none),
            ("github_token", #"\bgithub_pat_[A-Za-z0-9_]{22,255}\b"#, .none),
            ("gitlab_token", #"\bgl(?:pat|ptt|dt|rt|cbt|oas)-[A-Za-z0-9_\-]{20,}"#, .none),
            ("slack_token", #"\bxox[abposr]-[A-Za-z0-9\-]{10,}"#, .none),
            (
                "slack_webhook", #"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_\-]{20,}"#,
                .none
            ),
            ("anthropic_key", #"\bsk-ant-[A-Za-z0-9_\-]{20,}"#, .none),
            ("openai_key", #"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{32,}"#, .alphanumericMix),
            ("jwt", #"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"#, .none),
            ("bearer_token", #"(?i)\bbearer\s+(?<secret>[A-Za-z0-9\-._~+/]{20,}=*)"#, .none),
            ("basic_auth", #"(?i)\bauthorization:\s*basic\s+(?<secret>[A-Za-z0-9+/]{12,}={0,2})"#, .none),
            (
                "url_password",
                #"\b[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/@'"]+:(?<secret>[^\s@/'"]{1,256})@"#, .none
            ),
            (
                "email",
                #"\b[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"#,
                .realEmail
            ),
            (
                "high_entropy_assignment",
                #"(?i)(?<![A-Za-z0-9_.\-])[A-Za-z0-9_.\-]{0,40}(?:secret|token|passwd|password|pwd|api[_\-]?key|access[_\-]?key|private[_\-]?key|auth[_\-]?key|credentials?)[A-Za-z0-9_.\-]{0,40}["']?[ \t]{0,8}(?::=|=>|[:=])[ \t]{0,8}["']?(?<secret>[A-Za-z0-9+/_\-.=!#$%^&*~]{12,512})"#,
                .highEntropy(minLength: 16, minBits: 3.0)
            ),
        ]
        // The table is fixed and covered by tests, so a failure here is a programming error.
        return table.map { entry in
            do {
                return try SecretPattern(kind: entry.0, regex: entry.1, check: entry.2)
            } catch {
                fatalError("built-in secret pattern \(entry.0) is invalid: \(error)")
            }
        }
    }()

    /// Kinds that are personal data rather than credentials: redacted wherever text is stored
    /// or shown, but they do not block a patch, since real code names its authors (podspecs,
    /// maintainers files, copyright lines).
    public static let redactOnlyKinds: Set<String> = ["email"]

    /// Every built-in kind, in table order, each once.
    public static var builtInKinds: [String] {
        builtIn.map(\.kind).reduce(into: []) { kinds, kind in if !kinds.contains(kind) { kinds.append(kind) }
        }
    }

    func accepts(_ value: Substring) -> Bool {
        switch check {
        case .none:
            return true
        case .alphanumericMix:
            return value.contains(where: \.isNumber) && value.contains(where: \.isLetter)
        case .highEntropy(let minLength, let minBits):
            guard value.count >= minLength, value.contains(where: \.isNumber),
                value.contains(where: \.isLetter)
            else { return false }
            return SecretPattern.entropy(of: value) >= minBits
        case .realEmail:
            guard let at = value.lastIndex(of: "@") else { return false }
            let local = value[..<at].lowercased()
            let domain = value[value.index(after: at)...].lowercased()
            let documentation = ["example.com", "example.org", "example.net", "localhost", "example"]
            if documentation.contains(where: { domain == $0 || domain.hasSuffix("." + $0) }) { return false }
            if domain.hasSuffix(".test") || domain.hasSuffix(".invalid") || domain.hasSuffix(".local") {
                return false
            }
            if domain.hasSuffix("noreply.github.com") || local == "git" { return false }
            let assetExtensions: Set<String> = [
                "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "pdf", "js", "ts", "css", "py", "swift",
                "json", "md", "txt", "html",
            ]
            if let tld = domain.split(separator: ".").last, assetExtensions.contains(String(tld)) {
                return false
            }
            return true
        }
    }

    static func entropy(of value: Substring) -> Double {
        var counts: [Character: Int] = [:]
        for character in value { counts[character, default: 0] += 1 }
        let total = Double(value.count)
        return counts.values.reduce(0.0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }
}

/// A redaction pattern that cannot be used, typically from `[redaction]` in the config.
public enum RedactionError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidKind(String)
    case invalidPattern(kind: String, pattern: String, detail: String)
    case matchesEmpty(kind: String, pattern: String)

    public var description: String {
        switch self {
        case .invalidKind(let kind):
            "redaction kind '\(kind)' must be letters, digits, '_' or '-'"
        case .invalidPattern(let kind, let pattern, let detail):
            "redaction pattern \(kind) = \(pattern.debugDescription) is not a valid regular expression: \(detail)"
        case .matchesEmpty(let kind, let pattern):
            "redaction pattern \(kind) = \(pattern.debugDescription) matches empty text; it would redact nothing useful"
        }
    }
}
