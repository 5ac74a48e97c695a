import Foundation
import PilothouseCore

/// `[retention]`: whether the engine collects garbage by itself, as `pilothouse gc` does.
///
/// ```toml
/// [retention]
/// gc_older_than = "14d"   # what gc removes: jobs whose last event is older; absent: no automatic gc
/// gc_interval = "1h"      # how often a running engine collects
/// ```
public struct RetentionSettings: Sendable, Equatable {
    /// Seconds since a finished job's last event after which the engine removes its worktree,
    /// branch, transcripts, and unused cache entries; nil: only `pilothouse gc` does.
    public var gcOlderThan: TimeInterval?
    /// Seconds between automatic collections while the engine runs.
    public var gcInterval: TimeInterval = 3600

    public init() {}

    static func read(_ reader: inout ConfigReader, into settings: inout RetentionSettings) throws(ConfigError)
    {
        try reader.section("retention") { (section: inout ConfigReader.Section) throws(ConfigError) in
            if let text = try section.string("gc_older_than") {
                guard let seconds = AgeText.seconds(text) else {
                    throw section.invalid(
                        "gc_older_than", text, expected: "an age such as \"14d\", \"12h\" or \"30m\"")
                }
                settings.gcOlderThan = seconds
            }
            if let text = try section.string("gc_interval") {
                guard let seconds = AgeText.seconds(text), seconds >= 60 else {
                    throw section.invalid(
                        "gc_interval", text, expected: "an interval of at least a minute, such as \"1h\"")
                }
                settings.gcInterval = seconds
            }
        }
    }
}
