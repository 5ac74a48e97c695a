/// What a piece of the screen means, rather than how it looks; panes style text by role so one
/// theme file restyles the whole console.
///
/// Raw values are the keys of `[roles.*]` tables in theme files.
public enum ThemeRole: String, CaseIterable, Hashable, Sendable {
    case normal
    case muted
    case title
    case border
    case focusedBorder = "focused_border"
    case accent
    case ok
    case warn
    case error
    case added
    case removed
    case hunkHeader = "hunk_header"
    case selection
    case gaugeFill = "gauge_fill"
    case gaugeEmpty = "gauge_empty"
    case statusLine = "status_line"
    /// Syntax colours in the diff viewer; the monochrome theme leaves them plain.
    case syntaxKeyword = "syntax_keyword"
    case syntaxString = "syntax_string"
    case syntaxComment = "syntax_comment"
    case syntaxNumber = "syntax_number"
    /// The changed words inside a replaced line, drawn over the line's own style.
    case addedEmphasis = "added_emphasis"
    case removedEmphasis = "removed_emphasis"

    /// Accepts `hunk_header`, `hunk-header` and `hunkHeader`, because TOML authors use all three.
    public init?(key: String) {
        let normalized = key.lowercased().filter { $0 != "_" && $0 != "-" }
        guard let role = ThemeRole.allCases.first(where: { $0.rawValue.filter { $0 != "_" } == normalized })
        else { return nil }
        self = role
    }
}
