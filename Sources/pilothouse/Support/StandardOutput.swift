import Foundation

/// Writes to stdout with `write(2)` and says when the reader has gone.
///
/// The binary ignores SIGPIPE (see `Entry`), so `pilothouse run --json | head -1` gets
/// EPIPE here instead of dying mid-transaction; Foundation's `FileHandle.write` would trap
/// on that error instead of returning it.
enum StandardOutput {
    /// Writes all of `text`; false when stdout is closed or failing (EPIPE, EIO, ENOSPC).
    @discardableResult
    static func write(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            bytes = bytes.dropFirst(written)
        }
        return true
    }
}
