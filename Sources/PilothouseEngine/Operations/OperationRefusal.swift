import Foundation

/// Why an operator command was not carried out, in words the operator can act on.
///
/// `notApplicable` means the command does not fit the job as it is now (wrong state, no
/// gate); `invalidInput` means what the operator handed in must be fixed first (a patch that
/// does not parse, a plan too large). The command line exits 1 and 2 for them, as before.
public struct OperationRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case notApplicable
        case invalidInput
    }

    public var kind: Kind
    public var description: String

    public init(_ description: String, kind: Kind = .notApplicable) {
        self.kind = kind
        self.description = description
    }
}
