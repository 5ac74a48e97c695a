import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// `pilothouse cache validate|purge`: check and trim the response cache.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Validate or purge the model response cache.",
        subcommands: [Validate.self, Purge.self])

    static func report(_ result: CacheMaintenance, json: Bool, verb: String) throws {
        if json {
            print(try JSONOutput.encode(result))
            return
        }
        print(
            "\(verb) \(result.checked) entries: \(result.corruptPurged) corrupt purged, \(result.evicted) evicted; \(result.remainingEntries) entries (\(result.remainingBytes) bytes) remain"
        )
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every entry against its SHA-256 and delete the corrupt ones.")

        @Flag(help: "Print JSON counts.")
        var json = false

        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (_, store) = try options.openStore()
            try CacheCommand.report(try store.cacheValidate(), json: json, verb: "validated")
        }
    }

    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete entries (all of them unless --older-than or --max-size is given).")

        @Option(
            name: .customLong("older-than"),
            help: ArgumentHelp("Delete entries older than this (90s, 30m, 12h, 7d).", valueName: "age"))
        var olderThan: String?

        @Option(
            name: .customLong("max-size"),
            help: ArgumentHelp(
                "Then evict least recently used entries beyond this size (500K, 100M, 1G).", valueName: "size"
            ))
        var maxSize: String?

        @Flag(help: "Print JSON counts.")
        var json = false

        @OptionGroup var options: RepositoryOptions

        func validate() throws {
            if let olderThan, Self.seconds(olderThan) == nil {
                throw ValidationError(
                    "--older-than \(olderThan) is not an age; write e.g. 90s, 30m, 12h or 7d")
            }
            if let maxSize, Self.bytes(maxSize) == nil {
                throw ValidationError("--max-size \(maxSize) is not a size; write e.g. 500K, 100M or 1G")
            }
        }

        func run() throws {
            let (_, store) = try options.openStore()
            let result = try store.cachePurge(
                olderThan: olderThan.flatMap(Self.seconds), maxBytes: maxSize.flatMap(Self.bytes))
            try CacheCommand.report(result, json: json, verb: "purged; checked")
        }

        static func seconds(_ text: String) -> TimeInterval? { AgeText.seconds(text) }

        static func bytes(_ text: String) -> Int? {
            var trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
            if trimmed.hasSuffix("IB") {
                trimmed.removeLast(2)
            } else if trimmed.hasSuffix("B") {
                trimmed.removeLast()
            }
            let units: [Character: Double] = ["K": 1024, "M": 1_048_576, "G": 1_073_741_824]
            guard let last = trimmed.last else { return nil }
            if let unit = units[last], let value = Double(trimmed.dropLast()), value >= 0 {
                return Int(value * unit)
            }
            if let value = Int(trimmed), value >= 0 { return value }
            return nil
        }
    }
}
