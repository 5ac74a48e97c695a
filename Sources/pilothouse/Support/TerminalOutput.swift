import Foundation
import PilothouseCore

// Everything this executable prints for a person goes through these two functions, so that no
// job title, plan item, model answer, file name or error message can drive the operator's
// terminal (`ESC ] 0 ; … BEL`, `ESC c`, C1 controls, bidi overrides): each unsafe character is
// shown as U+FFFD, as in the console (`TerminalText`). This `print` shadows the standard one
// for the whole module on purpose, so a new listing cannot forget it. JSON output is already
// escaped by `JSONOutput`, so passing it through here changes nothing.

/// Standard output, neutralised.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Swift.print(TerminalText.neutralised(text), terminator: terminator)
}

/// One line on standard error, neutralised.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((TerminalText.neutralised(line) + "\n").utf8))
}
