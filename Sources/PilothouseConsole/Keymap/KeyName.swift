/// Spelling of keys in config files and docs.
///
/// Config accepts both plain names (`enter`, `ctrl-x`, `pgdn`) and lazygit's bracketed ones
/// (`<enter>`, `<c-x>`, `<pgdown>`), because operators copy keybindings from lazygit and k9s
/// configs; docs and the help overlay always show the plain form.
public enum KeyName {
    /// The key `name` denotes, or nil when it names none.
    public static func parse(_ name: String) -> Key? {
        var text = name
        if text.count > 2, text.hasPrefix("<"), text.hasSuffix(">") {
            text = String(text.dropFirst().dropLast())
        }
        if text.count == 1, let character = text.first {
            return character == " " ? .char(" ") : .char(character)
        }
        let lower = text.lowercased()
        switch lower {
        case "space": return .char(" ")
        case "enter", "return", "cr": return .enter
        case "esc", "escape": return .esc
        case "tab": return .tab
        case "shift-tab", "backtab", "s-tab": return .backTab
        case "up": return .up
        case "down": return .down
        case "left": return .left
        case "right": return .right
        case "pgup", "pageup", "page-up": return .pageUp
        case "pgdn", "pgdown", "pagedown", "page-down": return .pageDown
        case "home": return .home
        case "end": return .end
        case "backspace", "bs": return .backspace
        case "del", "delete": return .delete
        case "ins", "insert": return .insert
        default: break
        }
        for prefix in ["ctrl-", "c-", "ctrl+"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            guard rest.count == 1, let c = rest.first, c.isASCII, c.isLetter || "@[\\]^_".contains(c) else {
                return nil
            }
            return .ctrl(c)
        }
        if lower.hasPrefix("f"), let number = Int(lower.dropFirst()), (1...63).contains(number) {
            return .function(number)
        }
        return nil
    }

    /// The canonical name of `key`, which `parse` reads back.
    public static func name(of key: Key) -> String {
        switch key {
        case .char(" "): "space"
        case .char(let c): String(c)
        case .ctrl(let c): "ctrl-\(c)"
        case .enter: "enter"
        case .esc: "esc"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .home: "home"
        case .end: "end"
        case .backspace: "backspace"
        case .delete: "del"
        case .insert: "ins"
        case .function(let n): "f\(n)"
        case .resize: "resize"
        case .mouse: "mouse"
        case .unknown(let code): "key-\(code)"
        }
    }
}
