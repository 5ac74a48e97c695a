import Foundation
import PilothouseCore

/// What importing a plan did.
public struct PlanImportSummary: Sendable, Equatable, Codable {
    public var added: [JobID] = []
    public var updated: [JobID] = []
    public var unchanged = 0
    /// Items whose job already left the queue: a plan edit does not rewrite work in flight.
    public var notQueued = 0

    public init() {}
}
