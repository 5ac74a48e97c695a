import CNcurses
import Testing

@testable import PilothouseConsole

@Suite struct KeyTests {
    @Test(arguments: [
        (UInt32(0x61), Key.char("a")), (0x41, .char("A")), (0x20, .char(" ")), (0x4E2D, .char("中")),
        (0x1F600, .char("😀")), (0x0D, .enter), (0x0A, .enter), (0x09, .tab), (0x1B, .esc), (0x7F, .backspace),
        (0x08, .backspace), (0x01, .ctrl("a")), (0x03, .ctrl("c")), (0x18, .ctrl("x")), (0x1A, .ctrl("z")),
        (0x00, .ctrl("@")), (0x1F, .ctrl("_")),
    ])
    func decodesCharacters(value: UInt32, key: Key) {
        #expect(Key.decode(status: OK, value: value) == key)
    }

    @Test(arguments: [
        (KEY_UP, Key.up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right), (KEY_PPAGE, .pageUp),
        (KEY_NPAGE, .pageDown), (KEY_HOME, .home), (KEY_END, .end), (KEY_BACKSPACE, .backspace),
        (KEY_DC, .delete),
        (KEY_IC, .insert), (KEY_BTAB, .backTab), (KEY_ENTER, .enter), (KEY_RESIZE, .resize),
        (KEY_F0 + 1, .function(1)),
        (KEY_F0 + 12, .function(12)), (KEY_MOUSE, .mouse),
    ])
    func decodesKeyCodes(code: Int32, key: Key) {
        #expect(Key.decode(status: KEY_CODE_YES, value: UInt32(bitPattern: code)) == key)
    }

    @Test func errorsAndInvalidValuesAreNoKey() {
        #expect(Key.decode(status: ERR, value: 0x61) == nil)
        #expect(Key.decode(status: OK, value: 0xD800) == nil)  // lone surrogate
        #expect(Key.decode(status: OK, value: 0x11_0000) == nil)
        #expect(Key.decode(status: OK, value: 0x9B) == nil)
        #expect(Key.decode(keyCode: 0o777) == .unknown(0o777))
    }

    @Test func keyNames() {
        #expect(Key.ctrl("x").description == "ctrl-x")
        #expect(Key.function(5).description == "F5")
        #expect(Key.char(" ").description == "space")
        #expect(Key.backTab.description == "shift-tab")
    }
}
