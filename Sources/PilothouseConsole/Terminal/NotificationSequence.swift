import PilothouseCore

/// The bytes that make a terminal announce a notification: BEL for the bell, OSC 9 (iTerm2,
/// WezTerm, Windows Terminal, kitty) and OSC 777 (urxvt, foot, Ghostty, VTE) for a desktop
/// notification.
///
/// Inside tmux an OSC never reaches the outer terminal unless wrapped in tmux's passthrough
/// (`ESC P tmux; … ESC \`, with every ESC inside doubled; tmux 3.3+ also needs
/// `set -g allow-passthrough on`). BEL is not wrapped: tmux turns it into the window's bell flag
/// and forwards it by its own `bell-action` rules.
///
/// Titles and messages come from job titles and model lanes, so every control character (an
/// `ESC` or `BEL` of their own would end the sequence early and inject the rest) and the `;` that
/// separates OSC 777's fields are replaced before they are framed.
public enum NotificationSequence {
    public static let bell: [UInt8] = [0x07]

    /// OSC 9 and OSC 777 for `title` and `message`, wrapped for tmux when `insideTmux`.
    public static func desktop(title: String, message: String, insideTmux: Bool) -> [UInt8] {
        let body = clean(message, maximum: 200)
        let heading = clean(title, maximum: 80)
        let osc9 = "\u{1B}]9;\(heading): \(body)\u{07}"
        let osc777 = "\u{1B}]777;notify;\(heading);\(body)\u{07}"
        return insideTmux ? passthrough(osc9) + passthrough(osc777) : Array((osc9 + osc777).utf8)
    }

    /// `sequence` inside tmux's DCS passthrough, each ESC doubled.
    static func passthrough(_ sequence: String) -> [UInt8] {
        var bytes: [UInt8] = Array("\u{1B}Ptmux;".utf8)
        for byte in sequence.utf8 {
            if byte == 0x1B { bytes.append(0x1B) }
            bytes.append(byte)
        }
        bytes += [0x1B, 0x5C]
        return bytes
    }

    /// `text` with unsafe characters and `;` replaced, cut to `maximum` characters.
    static func clean(_ text: String, maximum: Int) -> String {
        var result = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < maximum else { break }
            if TerminalText.isUnsafe(scalar) || scalar == ";" {
                result.append(scalar == ";" ? "," : " ")
            } else {
                result.append(scalar)
            }
            count += 1
        }
        return String(result)
    }
}
