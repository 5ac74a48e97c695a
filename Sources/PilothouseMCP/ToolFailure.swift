/// Why a tool call was refused before it reached the operations layer (a missing or mistyped
/// argument, a tool that is not offered), in words the client can act on. Refusals from the
/// layer below (`OperationRefusal`, `StoreError`, `InputLimitExceeded`) keep their own words.
public struct ToolFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
