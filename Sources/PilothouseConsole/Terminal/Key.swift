import CNcurses

/// A keypress as the console's keymap sees it, independent of ncurses key codes.
public enum Key: Hashable, Sendable {
    case char(Character)
    /// Control + a letter or one of `@[\]^_`, as `.ctrl("x")` (lowercase letters). Tab, enter,
    /// backspace and escape, which share control codes, decode to their own cases instead.
    case ctrl(Character)
    case enter
    case esc
    case tab
    case backTab
    case up
    case down
    case left
    case right
    case pageUp
    case pageDown
    case home
    case end
    case backspace
    case delete
    case insert
    /// F1 is `.function(1)`.
    case function(Int)
    /// The terminal changed size; redraw at the new `NcursesBackend.size`.
    case resize
    case mouse
    /// A key ncurses knows but the console has no name for; kept so it can be shown in a "?" help.
    case unknown(Int32)

    /// Decodes what `wget_wch` returned: `status` is `OK`, `KEY_CODE_YES` or `ERR`, and `value` a
    /// character or a function-key code. Nil means no key (timeout or error).
    public static func decode(status: Int32, value: UInt32) -> Key? {
        switch status {
        case OK: return decode(character: value)
        case KEY_CODE_YES: return decode(keyCode: Int32(bitPattern: value))
        default: return nil
        }
    }

    /// Decodes a plain character code. With `keypad` on, ncurses turns escape sequences into key
    /// codes, so what reaches here is text or a control character.
    public static func decode(character value: UInt32) -> Key? {
        switch value {
        case 0x0A, 0x0D: return .enter
        case 0x09: return .tab
        case 0x1B: return .esc
        case 0x08, 0x7F: return .backspace
        case 0x00: return .ctrl("@")
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(value + 0x60)!))
        case 0x1C: return .ctrl("\\")
        case 0x1D: return .ctrl("]")
        case 0x1E: return .ctrl("^")
        case 0x1F: return .ctrl("_")
        case 0x80...0x9F: return nil  // C1 controls: never text, never a key
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// Decodes an ncurses `KEY_*` code.
    public static func decode(keyCode code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_RESIZE: return .resize
        case KEY_MOUSE: return .mouse
        case (KEY_F0 + 1)...(KEY_F0 + 63): return .function(Int(code - KEY_F0))
        default: return .unknown(code)
        }
    }
}

extension Key: CustomStringConvertible {
    /// How help screens and the status line name keys ("ctrl-x", "pgup", "F5").
    public var description: String {
        switch self {
        case .char(" "): "space"
        case .char(let c): String(c)
        case .ctrl(let c): "ctrl-\(c)"
        case .enter: "enter"
        case .esc: "esc"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .home: "home"
        case .end: "end"
        case .backspace: "backspace"
        case .delete: "del"
        case .insert: "ins"
        case .function(let n): "F\(n)"
        case .resize: "resize"
        case .mouse: "mouse"
        case .unknown(let code): "key-\(code)"
        }
    }
}
