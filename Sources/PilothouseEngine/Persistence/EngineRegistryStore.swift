import Foundation
import PilothouseCore

/// The engines working on a store: each registers when it starts, beats while it runs and
/// retires when it stops, so every console and `pilothouse engines` sees the whole fleet, and
/// an engine that died shows as lost until its record ages out.
public protocol EngineRegistryStore: Sendable {
    /// Records `engine` as working (again, after a restart under the same owner name), and
    /// forgets engines silent for longer than `forgetAfter`.
    func registerEngine(_ engine: EngineRecord, forgetAfter: TimeInterval) throws

    /// Notes that `owner` is alive at `now`.
    func engineHeartbeat(owner: String, at now: Date) throws

    /// Removes `owner`'s record: it stopped cleanly.
    func retireEngine(owner: String) throws

    /// Every engine on record, with the jobs each holds, oldest first.
    func engines() throws -> [EngineRecord]
}
