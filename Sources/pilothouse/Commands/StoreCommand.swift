import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine

/// `pilothouse store`: the store as a whole, beyond its jobs.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Move the whole store between backends.",
        subcommands: [Copy.self])

    /// `pilothouse store copy --to URL`: how a team moves from one laptop's SQLite file to a
    /// fleet's PostgreSQL database (and back), with the bead chain intact.
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy every table of the store into an empty store, with the bead chain intact.",
            discussion: """
                The source defaults to the store every command uses (--store, PILOTHOUSE_STORE_URL, [store] url, \
                else .pilothouse/pilothouse.db). The target must be empty: a new SQLite file or an empty PostgreSQL \
                database. Stop every engine on the source first: a live engine or lease is refused. \
                The rows go into the target in one transaction; an interrupted copy leaves it empty.
                """)

        @Option(
            help: ArgumentHelp(
                "The store to copy into: a postgres:// URL, or the path of a new SQLite file (also as sqlite:PATH).",
                valueName: "url-or-path"))
        var to: String

        @Option(
            help: ArgumentHelp(
                "The store to copy from, instead of the repository's (same forms as --to).",
                valueName: "url-or-path"))
        var from: String?

        @Flag(help: "Print the summary as JSON (Docs/JSON.md); progress still goes to standard error.")
        var json = false

        @OptionGroup var options: RepositoryOptions

        func validate() throws {
            if from != nil && options.store != nil {
                throw ValidationError("give the source once: --from or --store, not both")
            }
        }

        func run() throws {
            let target = try StoreAddress(parsing: to)
            let source = try from.map(StoreAddress.init(parsing:))
            do {
                let summary: StoreCopySummary
                if case .sqlite(let path) = target, !FileManager.default.fileExists(atPath: path) {
                    summary = try copyIntoNewFile(at: path, from: source)
                } else {
                    summary = try copy(from: source, to: target)
                }
                try report(summary)
            } catch let error as StoreCopyError {
                switch error {
                case .copyDiffers, .interrupted: throw CommandFailure(error.description, code: 1)
                default: throw CommandFailure(error.description)
                }
            }
        }

        /// A new SQLite file is written under a temporary name beside it and linked into place
        /// only once the copy committed and the store closed: the path never shows a partial
        /// copy (`kill -9` leaves only `PATH.partial-PID`), a refusal leaves nothing, and of two
        /// copies racing for one new path the second fails at link(2) instead of removing the
        /// first one's work.
        private func copyIntoNewFile(at path: String, from source: StoreAddress?) throws -> StoreCopySummary {
            let partial = path + ".partial-\(getpid())"
            Self.removeDatabase(at: partial)
            defer { Self.removeDatabase(at: partial) }
            var summary = try copy(from: source, to: .sqlite(path: partial))
            // The store closed when `copy` returned; its last connection folded the WAL in.
            guard !FileManager.default.fileExists(atPath: partial + "-wal") else {
                throw CommandFailure(
                    "the copy in \(partial) kept a write-ahead log after closing; nothing was put at \(path)",
                    code: 1)
            }
            guard link(partial, path) == 0 else {
                let code = errno
                let why =
                    code == EEXIST
                    ? "it appeared while copying (another copy?)" : String(cString: strerror(code))
                throw CommandFailure(
                    "could not put the copy at \(path): \(why); nothing was copied there", code: 1)
            }
            summary.to = path
            return summary
        }

        /// Opens both stores (each closed again when this returns) and copies.
        private func copy(from sourceAddress: StoreAddress?, to targetAddress: StoreAddress) throws
            -> StoreCopySummary
        {
            let source: any StoreTransfer
            if let sourceAddress {
                source = try sourceAddress.openSource()
            } else {
                guard let store = try options.openStoreForReading().1 as? any StoreTransfer else {
                    throw CommandFailure("this store's backend cannot be copied")
                }
                source = store
            }
            if Self.sameFile(source.location, targetAddress) {
                throw StoreCopyError.sameStore(location: source.location)
            }
            let target = try targetAddress.openTarget()
            if source.location == target.location {
                throw StoreCopyError.sameStore(location: source.location)
            }
            var printed: [String: Int64] = [:]
            return try StoreCopy(from: source, to: target).run { progress in
                // Every table once at its end; a large one every 10 000 rows on the way.
                if progress.copied == progress.total {
                    printError("  \(progress.table): \(progress.copied) rows")
                } else if progress.copied - printed[progress.table, default: 0] >= 10_000 {
                    printed[progress.table] = progress.copied
                    printError("  \(progress.table): \(progress.copied) of \(progress.total) rows…")
                }
            }
        }

        private func report(_ summary: StoreCopySummary) throws {
            if json {
                print(try JSONOutput.encode(summary))
                return
            }
            let seconds = String(format: "%.1f", Double(summary.elapsedMs) / 1000)
            print(
                "copied \(summary.rows) rows of \(summary.tables.count) tables from \(summary.from) to \(summary.to) in \(seconds) s"
            )
            print(
                "bead chain: \(summary.beads) beads; `pilothouse beads verify --checkpoint \(summary.beads):\(summary.headHash)` on the copy proves it holds the same chain"
            )
        }

        /// Whether a SQLite target names the source's file, through any symlink.
        private static func sameFile(_ sourceLocation: String, _ target: StoreAddress) -> Bool {
            guard case .sqlite(let path) = target, FileManager.default.fileExists(atPath: path),
                FileManager.default.fileExists(atPath: sourceLocation)
            else { return false }
            let resolve = { (path: String) in URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
            return resolve(path) == resolve(sourceLocation)
        }

        /// Removes a temporary SQLite file of this copy, with its WAL files; says so when it cannot.
        private static func removeDatabase(at path: String) {
            for file in [path, path + "-wal", path + "-shm"]
            where FileManager.default.fileExists(atPath: file) {
                do {
                    try FileManager.default.removeItem(atPath: file)
                } catch {
                    printError(
                        "warning: could not remove \(file), a temporary file of this copy (\(error.localizedDescription)); remove it by hand"
                    )
                }
            }
        }
    }
}
