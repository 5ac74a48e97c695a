import Foundation
import PilothouseCore
import TOMLKit

/// Settings from `.pilothouse/pilothouse.toml`. Every field has a default, so an empty or
/// missing file is a valid configuration.
public struct PilothouseConfig: Sendable, Equatable {
    public var jobs = JobsSection()
    public var gateway = GatewayConfig()

    public struct JobsSection: Sendable, Equatable {
        /// Tries per job (across crashes) before it is quarantined with `max_attempts`.
        public var maxAttempts = 3
        public var defaultPriority = Priority.p2
        public var defaultCategory = JobCategory.quality
    }

    public init() {}

    /// Loads the file at `path`; a missing file gives the defaults.
    public static func load(path: String) throws(ConfigError) -> PilothouseConfig {
        guard FileManager.default.fileExists(atPath: path) else { return PilothouseConfig() }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8(path: path) }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> PilothouseConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .syntax(path: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw .syntax(path: path, line: 0, message: String(describing: error))
        }
        var reader = ConfigReader(table: table, text: text, path: path)
        var config = PilothouseConfig()
        try reader.section("jobs") { (jobs: inout ConfigReader.Section) throws(ConfigError) in
            if let value = try jobs.int("max_attempts", range: 1...100) { config.jobs.maxAttempts = value }
            if let value = try jobs.string("default_priority") {
                guard let priority = Priority(label: value) else {
                    throw jobs.invalid("default_priority", value, expected: "P0, P1, P2 or P3")
                }
                config.jobs.defaultPriority = priority
            }
            if let value = try jobs.string("default_category") {
                guard let category = JobCategory(label: value) else {
                    throw jobs.invalid(
                        "default_category", value,
                        expected: JobCategory.allCases.map(\.rawValue).joined(separator: ", "))
                }
                config.jobs.defaultCategory = category
            }
        }
        try GatewayConfig.read(&reader, into: &config.gateway)
        try reader.rejectUnknownSections()
        return config
    }

    /// A short fingerprint of the effective settings, recorded in each run's header.
    public var fingerprint: String {
        let text =
            "jobs.max_attempts=\(jobs.maxAttempts);jobs.default_priority=\(jobs.defaultPriority);jobs.default_category=\(jobs.defaultCategory)"
            + (gateway == GatewayConfig() ? "" : ";" + gateway.fingerprintText)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
