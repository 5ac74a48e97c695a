/// The name of a pipeline stage. Templates are data, so this is an open set of names;
/// the built-in ones are constants.
public struct StageName: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let analyze: StageName = "analyze"
    public static let plan: StageName = "plan"
    public static let implement: StageName = "implement"
    public static let check: StageName = "check"
    public static let review: StageName = "review"
    public static let test: StageName = "test"
    public static let approve: StageName = "approve"
    public static let merge: StageName = "merge"
    public static let generateTests: StageName = "generate_tests"
    public static let updateDocs: StageName = "update_docs"

    /// The default pipeline of DESIGN.md, in order.
    public static let defaultPipeline: [StageName] = [
        .analyze, .plan, .implement, .check, .review, .test, .approve, .merge,
    ]

    /// Stage kinds that must run before any `merge` unless the configuration allows an
    /// ungated merge: the policy check and the approval gate.
    public static let mergeGates: [String] = [check.rawValue, approve.rawValue]

    public static func < (lhs: StageName, rhs: StageName) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
