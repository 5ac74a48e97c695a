import Foundation
import PilothouseCore

/// Run headers: what a run was started with, so its results can be reproduced.
public protocol RunStore: Sendable {
    func beginRun(_ header: RunHeader) throws

    func endRun(_ id: JobID, exitCode: Int32, at date: Date) throws
}

/// The requirements with their usual arguments filled in (a protocol requirement has no
/// default arguments).
extension RunStore {
    public func endRun(_ id: JobID, exitCode: Int32) throws {
        try endRun(id, exitCode: exitCode, at: Date())
    }
}
