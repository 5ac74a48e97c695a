/// The languages the diff viewer colours, and which file names belong to each.
extension SyntaxLanguage {
    private static let cBlock = (open: "/*", close: "*/")
    private static let cContinuation = ["* ", "*/", "*\t"]

    public static let swift = SyntaxLanguage(
        name: "swift",
        keywords: words(
            """
            actor any as associatedtype async await break case catch class continue default defer deinit
            do else enum extension fallthrough false fileprivate final for func guard if import in init
            inout internal is let mutating nil nonisolated open operator override private protocol public
            repeat rethrows return self Self some static struct subscript super switch throw throws true
            try typealias var weak where while consuming borrowing sending
            """),
        lineComments: ["//"], blockComment: cBlock, commentLinePrefixes: cContinuation)

    public static let python = SyntaxLanguage(
        name: "python",
        keywords: words(
            """
            False None True and as assert async await break class continue def del elif else except
            finally for from global if import in is lambda match case nonlocal not or pass raise return
            try while with yield self
            """),
        lineComments: ["#"], stringQuotes: "\"'")

    public static let go = SyntaxLanguage(
        name: "go",
        keywords: words(
            """
            break case chan const continue default defer else fallthrough for func go goto if import
            interface map package range return select struct switch type var nil true false iota
            """),
        lineComments: ["//"], blockComment: cBlock, stringQuotes: "\"`", commentLinePrefixes: cContinuation)

    /// Rust's `'` is left out: it opens both char literals and lifetimes (`'a`).
    public static let rust = SyntaxLanguage(
        name: "rust",
        keywords: words(
            """
            as async await break const continue crate dyn else enum extern false fn for if impl in let
            loop match mod move mut pub ref return self Self static struct super trait true type unsafe
            use where while
            """),
        lineComments: ["//"], blockComment: cBlock, commentLinePrefixes: cContinuation)

    public static let javascript = SyntaxLanguage(
        name: "javascript",
        keywords: words(
            """
            async await break case catch class const continue debugger default delete do else export
            extends false finally for from function if import in instanceof let new null of return static
            super switch this throw true try typeof undefined var void while with yield
            interface type enum implements private public protected readonly declare namespace abstract as
            """),
        lineComments: ["//"], blockComment: cBlock, stringQuotes: "\"'`", commentLinePrefixes: cContinuation)

    public static let c = SyntaxLanguage(
        name: "c",
        keywords: words(
            """
            auto bool break case char class const constexpr continue default delete do double else enum
            explicit extern false float for friend goto if inline int long namespace new noexcept nullptr
            operator private protected public register return short signed sizeof static struct switch
            template this throw true try typedef typename union unsigned using virtual void volatile while
            #include #define #ifdef #ifndef #endif #if #else #pragma
            """),
        lineComments: ["//"], blockComment: cBlock, stringQuotes: "\"'", commentLinePrefixes: cContinuation)

    public static let java = SyntaxLanguage(
        name: "java",
        keywords: words(
            """
            abstract assert boolean break byte case catch char class const continue default do double else
            enum extends final finally float for if implements import instanceof int interface long native
            new null package private protected public record return short static super switch synchronized
            this throw throws transient true false try var void volatile while fun val when object
            """),
        lineComments: ["//"], blockComment: cBlock, stringQuotes: "\"'", commentLinePrefixes: cContinuation)

    public static let shell = SyntaxLanguage(
        name: "shell",
        keywords: words(
            """
            if then else elif fi for while until do done case esac function in return local export
            readonly set unset shift exit break continue trap source
            """),
        lineComments: ["#"], stringQuotes: "\"'")

    public static let json = SyntaxLanguage(name: "json", keywords: ["true", "false", "null"])

    public static let yaml = SyntaxLanguage(
        name: "yaml", keywords: ["true", "false", "null", "yes", "no", "on", "off"], lineComments: ["#"],
        stringQuotes: "\"'")

    public static let toml = SyntaxLanguage(
        name: "toml", keywords: ["true", "false"], lineComments: ["#"], stringQuotes: "\"'",
        headingLinePrefixes: ["["])

    /// Headings as keywords, inline code as strings, quotes as comments.
    public static let markdown = SyntaxLanguage(
        name: "markdown", keywords: [], stringQuotes: "`", backslashEscapes: false,
        commentLinePrefixes: [">"], headingLinePrefixes: ["#"])

    public static let all: [SyntaxLanguage] = [
        .swift, .python, .go, .rust, .javascript, .c, .java, .shell, .json, .yaml, .toml, .markdown,
    ]

    private static let byExtension: [String: SyntaxLanguage] = [
        "swift": .swift, "py": .python, "pyi": .python, "go": .go, "rs": .rust,
        "js": .javascript, "mjs": .javascript, "cjs": .javascript, "jsx": .javascript,
        "ts": .javascript, "tsx": .javascript, "mts": .javascript,
        "c": .c, "h": .c, "cc": .c, "cpp": .c, "cxx": .c, "hpp": .c, "hh": .c, "m": .c, "mm": .c,
        "java": .java, "kt": .java, "kts": .java, "scala": .java,
        "sh": .shell, "bash": .shell, "zsh": .shell,
        "json": .json, "jsonc": .json, "yaml": .yaml, "yml": .yaml, "toml": .toml,
        "md": .markdown, "markdown": .markdown,
    ]

    private static let byFileName: [String: SyntaxLanguage] = [
        "Makefile": .shell, "Dockerfile": .shell, ".bashrc": .shell, ".zshrc": .shell,
        "Package.resolved": .json, "Cargo.lock": .toml,
    ]

    /// The language of a path by its file name or extension; nil for what no table covers.
    public static func forPath(_ path: String) -> SyntaxLanguage? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if let known = byFileName[name] { return known }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return byExtension[name[name.index(after: dot)...].lowercased()]
    }

    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }
}
