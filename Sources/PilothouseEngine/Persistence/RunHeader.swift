import Foundation
import PilothouseCore

/// What a run was started with, so its results can be reproduced later.
public struct RunHeader: Sendable, Equatable, Codable {
    public var id: JobID
    public var pilothouseVersion: String
    public var repoHead: String
    public var configHash: String
    public var seed: UInt64
    public var startedAt: Date

    public init(
        id: JobID = JobID(), pilothouseVersion: String, repoHead: String, configHash: String, seed: UInt64,
        startedAt: Date = Date()
    ) {
        self.id = id
        self.pilothouseVersion = pilothouseVersion
        self.repoHead = repoHead
        self.configHash = configHash
        self.seed = seed
        self.startedAt = startedAt
    }
}
