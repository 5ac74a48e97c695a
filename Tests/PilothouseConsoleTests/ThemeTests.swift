import Testing

@testable import PilothouseConsole

@Suite struct ThemeTests {
    @Test func parsesRolesOverBase() throws {
        let theme = try Theme.parse(
            name: "mine",
            roles: [
                "ok": ["fg": "#5fd75f", "bold": "true"],
                "hunk_header": ["fg": "33", "bg": "bright-black", "underline": "yes"],
                "selection": ["reverse": "true", "italic": "false"],
            ], base: .monochrome)
        #expect(theme.name == "mine")
        #expect(theme[.ok] == Style(foreground: .rgb(0x5F, 0xD7, 0x5F), attributes: .bold))
        #expect(
            theme[.hunkHeader]
                == Style(foreground: .indexed(33), background: .ansi(.brightBlack), attributes: .underline))
        #expect(theme[.selection] == Style(attributes: .reverse))
        #expect(theme[.muted] == Theme.monochrome[.muted])
    }

    @Test func roleKeysAcceptSeveralSpellings() throws {
        let theme = try Theme.parse(
            name: "t", roles: ["hunkHeader": ["fg": "red"], "gauge-fill": ["fg": "blue"]])
        #expect(theme[.hunkHeader].foreground == .red)
        #expect(theme[.gaugeFill].foreground == .blue)
    }

    @Test func badColorNamesRoleAndValue() {
        #expect(throws: ThemeError.invalidColor(role: "warn", key: "fg", value: "#ff00")) {
            try Theme.parse(name: "t", roles: ["ok": ["fg": "green"], "warn": ["fg": "#ff00"]])
        }
        do {
            _ = try Theme.parse(name: "t", roles: ["error": ["bg": "crimson"]])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("'error'"))
            #expect(error.description.contains("'crimson'"))
        }
    }

    @Test func unknownRoleKeyAndFlag() {
        #expect(throws: ThemeError.unknownRole("okk")) {
            try Theme.parse(name: "t", roles: ["okk": ["fg": "red"]])
        }
        #expect(throws: ThemeError.unknownKey(role: "ok", key: "blink")) {
            try Theme.parse(name: "t", roles: ["ok": ["blink": "true"]])
        }
        #expect(throws: ThemeError.invalidFlag(role: "title", key: "bold", value: "very")) {
            try Theme.parse(name: "t", roles: ["title": ["bold": "very"]])
        }
        #expect(
            ThemeError.invalidFlag(role: "title", key: "bold", value: "very").description.contains("title"))
    }

    @Test func builtinsCoverEveryRole() throws {
        #expect(Theme.builtins.map(\.name) == ["dark", "light", "high-contrast", "monochrome"])
        for theme in Theme.builtins {
            #expect(Set(theme.styles.keys) == Set(ThemeRole.allCases), "\(theme.name)")
        }
        #expect(try Theme.builtin(named: "high_contrast") == .highContrast)
        #expect(throws: ThemeError.unknownTheme("neon")) { try Theme.builtin(named: "neon") }
    }

    @Test func monochromeUsesNoColour() {
        for style in Theme.monochrome.styles.values {
            #expect(style.foreground == .default && style.background == .default)
        }
    }

    @Test func noColorAdaptsEveryThemeToAttributesOnly() {
        for theme in Theme.builtins {
            let adapted = theme.adapted(to: .none)
            #expect(adapted.name == theme.name)
            // Selection and errors must stay visible when colours are gone.
            #expect(adapted[.selection].degraded(to: .none) != adapted[.normal].degraded(to: .none))
            #expect(adapted[.error].degraded(to: .none) != adapted[.normal].degraded(to: .none))
        }
        #expect(Theme.light.adapted(to: .ansi16) == .light)
    }

    @Test func missingRoleFallsBackToNormal() {
        let theme = Theme(name: "partial", styles: [.normal: Style(attributes: .italic)])
        #expect(theme[.warn] == Style(attributes: .italic))
        #expect(Theme(name: "empty", styles: [:])[.ok] == .plain)
    }
}
