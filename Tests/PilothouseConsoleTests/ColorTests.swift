import Testing

@testable import PilothouseConsole

@Suite struct ColorTests {
    @Test(arguments: [
        ("#5fd75f", Color.rgb(0x5F, 0xD7, 0x5F)), ("#FFFFFF", .rgb(255, 255, 255)), ("245", .indexed(245)),
        ("0", .indexed(0)), ("red", .red), ("bright-red", .ansi(.brightRed)),
        ("bright_blue", .ansi(.brightBlue)),
        ("brightGreen", .ansi(.brightGreen)), ("grey", .ansi(.brightBlack)), (" default ", .default),
    ])
    func parsesColors(text: String, color: Color) {
        #expect(Color(parsing: text) == color)
    }

    @Test(arguments: ["", "#12345", "#gggggg", "256", "-1", "0x12", "purple", "#1234567", "1e2"])
    func rejectsBadColors(text: String) {
        #expect(Color(parsing: text) == nil)
    }

    @Test func truecolorDegradesToNearestCubeOrGrey() {
        #expect(Color.rgb(0x5F, 0xD7, 0x5F).degraded(to: .indexed256) == .indexed(77))
        #expect(Color.rgb(255, 0, 0).degraded(to: .indexed256) == .indexed(196))
        #expect(Color.rgb(0, 0, 0).degraded(to: .indexed256) == .indexed(16))
        // Mid greys are closer to the grey ramp than to the cube.
        #expect(Color.rgb(0x80, 0x80, 0x80).degraded(to: .indexed256) == .indexed(244))
        #expect(Color.rgb(0x30, 0x30, 0x30).degraded(to: .indexed256) == .indexed(236))
        #expect(Color.rgb(1, 2, 3).degraded(to: .truecolor) == .rgb(1, 2, 3))
    }

    @Test func degradesTo16Colors() {
        #expect(Color.rgb(250, 10, 10).degraded(to: .ansi16) == .ansi(.brightRed))
        #expect(Color.rgb(0, 0, 0).degraded(to: .ansi16) == .black)
        #expect(Color.rgb(0, 200, 0).degraded(to: .ansi16) == .green)
        #expect(Color.indexed(196).degraded(to: .ansi16) == .ansi(.brightRed))
        #expect(Color.indexed(3).degraded(to: .ansi16) == .yellow)
        #expect(Color.indexed(255).degraded(to: .ansi16) == .white)
        #expect(Color.indexed(231).degraded(to: .ansi16) == .ansi(.brightWhite))
        #expect(Color.indexed(232).degraded(to: .ansi16) == .black)
        #expect(Color.ansi(.cyan).degraded(to: .ansi16) == .cyan)
    }

    @Test func noColorDepthDropsColorsButKeepsAttributes() {
        let style = Style(foreground: .rgb(1, 2, 3), background: .indexed(24), attributes: [.bold, .reverse])
        let degraded = style.degraded(to: .none)
        #expect(degraded == Style(attributes: [.bold, .reverse]))
        #expect(Color.default.degraded(to: .truecolor) == .default)
    }

    @Test func detectsDepthFromEnvironmentAndTerminfo() {
        func env(_ values: [String: String]) -> (String) -> String? { { values[$0] } }
        #expect(ColorDepth.detect(environment: env([:]), terminalColors: 256) == .indexed256)
        #expect(ColorDepth.detect(environment: env([:]), terminalColors: 8) == .ansi16)
        #expect(ColorDepth.detect(environment: env([:]), terminalColors: 16) == .ansi16)
        #expect(ColorDepth.detect(environment: env([:]), terminalColors: 0) == .none)
        #expect(ColorDepth.detect(environment: env([:]), terminalColors: -1) == .none)
        #expect(
            ColorDepth.detect(environment: env(["COLORTERM": "truecolor"]), terminalColors: 256)
                == .indexed256)
        #expect(
            ColorDepth.detect(environment: env(["COLORTERM": "24bit"]), terminalColors: 16_777_216)
                == .truecolor)
        #expect(ColorDepth.detect(environment: env([:]), terminalColors: 16_777_216) == .indexed256)
    }

    @Test func noColorWins() {
        #expect(
            ColorDepth.detect(environment: { $0 == "NO_COLOR" ? "1" : nil }, terminalColors: 256) == .none)
        let truecolor: [String: String] = ["NO_COLOR": "yes", "COLORTERM": "truecolor"]
        #expect(ColorDepth.detect(environment: { truecolor[$0] }, terminalColors: 16_777_216) == .none)
        // An empty NO_COLOR does not count (no-color.org).
        #expect(
            ColorDepth.detect(environment: { $0 == "NO_COLOR" ? "" : nil }, terminalColors: 256)
                == .indexed256)
    }

    @Test func depthsAreOrdered() {
        #expect(ColorDepth.none < .ansi16)
        #expect(min(ColorDepth.truecolor, .indexed256) == .indexed256)
    }
}
