import Foundation

/// What a remote's tools (git, gh) said, made fit to show an operator and to keep in a bead:
/// one line, its end (the cause is last), no terminal control bytes, and no credentials a URL
/// in it may carry. Every message from a command that talks to a remote goes through here.
enum RemoteMessage {
    /// `https://user:token@host/…` shows as `https://***@host/…`, hidden up to the last `@` of
    /// the authority: a password holding an unencoded `@` shows none of it (git's own messages
    /// show what follows its first `@`).
    static func shown(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" {
                scalars.append(" ")
            } else if scalar.value >= 0x20, scalar.value != 0x7F, !(0x80...0x9F).contains(scalar.value) {
                scalars.append(scalar)
            }
        }
        var line = String(scalars).replacingOccurrences(
            of: #"([A-Za-z][A-Za-z0-9+.-]*://)[^/\s]+@"#, with: "$1***@", options: .regularExpression)
        if line.count > 600 { line = "…" + line.suffix(600) }
        return line.trimmingCharacters(in: .whitespaces)
    }
}
