import Foundation
import PilothouseCore

/// How long a stage took on average, over its finished runs.
public struct StageTime: Sendable, Equatable {
    public var stage: StageName
    public var runs: Int
    public var meanMillis: Double

    public init(stage: StageName, runs: Int, meanMillis: Double) {
        self.stage = stage
        self.runs = runs
        self.meanMillis = meanMillis
    }
}
