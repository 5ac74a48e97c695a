/// Why a diff was refused, and where.
///
/// The line number lets an operator (or a model being asked to fix its own output) go straight
/// to the offending line instead of guessing; the message names what the parser expected there,
/// because "invalid diff" alone gives nobody anything to act on.
public struct DiffParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based; one past the last line when the input ended too early.
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
