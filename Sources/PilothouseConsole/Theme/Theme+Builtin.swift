// The built-in themes. Themes/*.toml at the repository root carry the same values so operators
// can copy one and edit it; a test checks the two stay in sync.

extension Theme {
    public static let builtins: [Theme] = [.dark, .light, .highContrast, .monochrome]

    /// The default: 256-colour friendly values on the terminal's own background.
    public static let dark = Theme(
        name: "dark",
        styles: [
            .normal: Style(),
            .muted: Style(foreground: .indexed(245)),
            .title: Style(foreground: .rgb(0x87, 0xAF, 0xFF), attributes: .bold),
            .border: Style(foreground: .indexed(240)),
            .focusedBorder: Style(foreground: .rgb(0x87, 0xAF, 0xFF)),
            .accent: Style(foreground: .rgb(0x5F, 0xD7, 0xFF), attributes: .bold),
            .ok: Style(foreground: .rgb(0x5F, 0xD7, 0x5F)),
            .warn: Style(foreground: .rgb(0xFF, 0xAF, 0x00)),
            .error: Style(foreground: .rgb(0xFF, 0x5F, 0x5F), attributes: .bold),
            .added: Style(foreground: .rgb(0x5F, 0xD7, 0x5F)),
            .removed: Style(foreground: .rgb(0xFF, 0x5F, 0x5F)),
            .hunkHeader: Style(foreground: .rgb(0x5F, 0xAF, 0xFF)),
            .selection: Style(foreground: .indexed(231), background: .indexed(24), attributes: .bold),
            .gaugeFill: Style(foreground: .rgb(0x5F, 0xD7, 0x5F)),
            .gaugeEmpty: Style(foreground: .indexed(238)),
            .statusLine: Style(foreground: .indexed(252), background: .indexed(236)),
            .syntaxKeyword: Style(foreground: .rgb(0xD7, 0x87, 0xFF)),
            .syntaxString: Style(foreground: .rgb(0xD7, 0xAF, 0x5F)),
            .syntaxComment: Style(foreground: .indexed(244), attributes: .italic),
            .syntaxNumber: Style(foreground: .rgb(0x87, 0xD7, 0xD7)),
            .addedEmphasis: Style(background: .indexed(22), attributes: .bold),
            .removedEmphasis: Style(background: .indexed(52), attributes: .bold),
        ])

    public static let light = Theme(
        name: "light",
        styles: [
            .normal: Style(),
            .muted: Style(foreground: .indexed(242)),
            .title: Style(foreground: .rgb(0x00, 0x5F, 0xD7), attributes: .bold),
            .border: Style(foreground: .indexed(248)),
            .focusedBorder: Style(foreground: .rgb(0x00, 0x5F, 0xD7)),
            .accent: Style(foreground: .rgb(0xAF, 0x00, 0x5F), attributes: .bold),
            .ok: Style(foreground: .rgb(0x00, 0x87, 0x00)),
            .warn: Style(foreground: .rgb(0xAF, 0x5F, 0x00)),
            .error: Style(foreground: .rgb(0xD7, 0x00, 0x00), attributes: .bold),
            .added: Style(foreground: .rgb(0x00, 0x87, 0x00)),
            .removed: Style(foreground: .rgb(0xD7, 0x00, 0x00)),
            .hunkHeader: Style(foreground: .rgb(0x00, 0x87, 0xAF)),
            .selection: Style(foreground: .indexed(16), background: .indexed(153)),
            .gaugeFill: Style(foreground: .rgb(0x00, 0x87, 0x5F)),
            .gaugeEmpty: Style(foreground: .indexed(250)),
            .statusLine: Style(foreground: .indexed(235), background: .indexed(254)),
            .syntaxKeyword: Style(foreground: .rgb(0x87, 0x00, 0xAF)),
            .syntaxString: Style(foreground: .rgb(0xAF, 0x5F, 0x00)),
            .syntaxComment: Style(foreground: .indexed(244), attributes: .italic),
            .syntaxNumber: Style(foreground: .rgb(0x00, 0x5F, 0x87)),
            .addedEmphasis: Style(background: .indexed(194), attributes: .bold),
            .removedEmphasis: Style(background: .indexed(224), attributes: .bold),
        ])

    /// Only the 16 ANSI colours, bright variants and bold, for low-vision operators and terminals
    /// whose palette is the only thing they trust.
    public static let highContrast = Theme(
        name: "high-contrast",
        styles: [
            .normal: Style(foreground: .ansi(.brightWhite), background: .ansi(.black)),
            .muted: Style(foreground: .ansi(.white), background: .ansi(.black)),
            .title: Style(foreground: .ansi(.brightYellow), background: .ansi(.black), attributes: .bold),
            .border: Style(foreground: .ansi(.brightWhite), background: .ansi(.black)),
            .focusedBorder: Style(
                foreground: .ansi(.brightYellow), background: .ansi(.black), attributes: .bold),
            .accent: Style(foreground: .ansi(.brightCyan), background: .ansi(.black), attributes: .bold),
            .ok: Style(foreground: .ansi(.brightGreen), background: .ansi(.black), attributes: .bold),
            .warn: Style(foreground: .ansi(.brightYellow), background: .ansi(.black), attributes: .bold),
            .error: Style(foreground: .ansi(.brightRed), background: .ansi(.black), attributes: .bold),
            .added: Style(foreground: .ansi(.brightGreen), background: .ansi(.black)),
            .removed: Style(foreground: .ansi(.brightRed), background: .ansi(.black)),
            .hunkHeader: Style(foreground: .ansi(.brightCyan), background: .ansi(.black), attributes: .bold),
            .selection: Style(foreground: .ansi(.black), background: .ansi(.brightYellow), attributes: .bold),
            .gaugeFill: Style(foreground: .ansi(.brightGreen), background: .ansi(.black)),
            .gaugeEmpty: Style(foreground: .ansi(.white), background: .ansi(.black)),
            .statusLine: Style(foreground: .ansi(.black), background: .ansi(.brightWhite), attributes: .bold),
            .syntaxKeyword: Style(foreground: .ansi(.brightMagenta), background: .ansi(.black)),
            .syntaxString: Style(foreground: .ansi(.brightYellow), background: .ansi(.black)),
            .syntaxComment: Style(foreground: .ansi(.white), background: .ansi(.black)),
            .syntaxNumber: Style(foreground: .ansi(.brightCyan), background: .ansi(.black)),
            .addedEmphasis: Style(
                foreground: .ansi(.black), background: .ansi(.brightGreen), attributes: .bold),
            .removedEmphasis: Style(
                foreground: .ansi(.black), background: .ansi(.brightRed), attributes: .bold),
        ])

    /// No colours at all: meaning is carried by attributes, as under `NO_COLOR`.
    public static let monochrome = Theme(
        name: "monochrome",
        styles: [
            .normal: Style(),
            .muted: Style(attributes: .dim),
            .title: Style(attributes: .bold),
            .border: Style(),
            .focusedBorder: Style(attributes: .bold),
            .accent: Style(attributes: .bold),
            .ok: Style(),
            .warn: Style(attributes: .bold),
            .error: Style(attributes: [.bold, .underline]),
            .added: Style(attributes: .bold),
            .removed: Style(attributes: .dim),
            .hunkHeader: Style(attributes: .underline),
            .selection: Style(attributes: .reverse),
            .gaugeFill: Style(attributes: .bold),
            .gaugeEmpty: Style(attributes: .dim),
            .statusLine: Style(attributes: .reverse),
            .syntaxKeyword: Style(),
            .syntaxString: Style(),
            .syntaxComment: Style(),
            .syntaxNumber: Style(),
            .addedEmphasis: Style(attributes: [.bold, .reverse]),
            .removedEmphasis: Style(attributes: .reverse),
        ])
}
