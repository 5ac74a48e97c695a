import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct BeadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beads", abstract: "Read, verify and export the audit chain.",
        subcommands: [List.self, Verify.self, Checkpoint.self, Export.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List beads in chain order.")

        @Option(help: "Only the beads of this job (id or an unambiguous part).")
        var job: String?

        @Flag(help: "Print JSON (an array of beads).")
        var json = false

        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let (_, store) = try options.openStoreForReading()
            let jobID = try job.map { try store.resolveJob($0).id }
            let beads = try store.beads(jobID: jobID)
            if json {
                print(try JSONOutput.encode(beads))
            } else if beads.isEmpty {
                print("no beads yet")
            } else {
                for bead in beads { print(BeadLine.text(bead)) }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check every bead's hash and link (and a kept checkpoint); exit 1 at the first break.")

        @Option(
            help: ArgumentHelp(
                "Also prove the chain still extends this checkpoint, as `beads checkpoint` printed it.",
                valueName: "length:hash"))
        var checkpoint: String?

        @OptionGroup var options: RepositoryOptions

        func run() throws {
            let kept = try checkpoint.map { text in
                do throws(BeadChainCheckpointError) {
                    return try BeadChainCheckpoint(parsing: text)
                } catch {
                    throw CommandFailure(error.description)
                }
            }
            let (_, store) = try options.openStoreForReading()
            switch try store.verifyBeads(against: kept) {
            case .ok(let count):
                let extends = kept.map { "; extends checkpoint \($0.length):\($0.hash.prefix(8))…" } ?? ""
                print("OK: \(count) bead\(count == 1 ? "" : "s") verified\(extends)")
            case .broken(let problem):
                throw CommandFailure("bead chain broken at \(problem)", code: 1)
            }
        }
    }

    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract:
                "Print the verified chain's length and head hash (LENGTH:HASH) to keep outside the database; `beads verify --checkpoint` checks it later."
        )

        @Flag(help: "Print JSON (length, hash, checkpoint).")
        var json = false

        @OptionGroup var options: RepositoryOptions

        /// The `--json` document; its keys are listed in Docs/JSON.md.
        struct Output: Encodable {
            var length: Int64
            var hash: String
            var checkpoint: String
        }

        func run() throws {
            let (_, store) = try options.openStoreForReading()
            let checkpoint = try store.beadCheckpoint()
            if json {
                print(
                    try JSONOutput.encode(
                        Output(
                            length: checkpoint.length, hash: checkpoint.hash,
                            checkpoint: checkpoint.description)))
            } else {
                print(checkpoint.description)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the whole chain to standard output, one JSON bead per line.")

        @Flag(help: "JSON Lines output (the only format, required so scripts say what they expect).")
        var jsonl = false

        @OptionGroup var options: RepositoryOptions

        func validate() throws {
            guard jsonl else { throw ValidationError("say the format: `pilothouse beads export --jsonl`") }
        }

        func run() throws {
            let (_, store) = try options.openStoreForReading()
            var output = ""
            for bead in try store.beads() {
                output += try JSONOutput.encode(bead, pretty: false)
                output += "\n"
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        }
    }
}

/// One bead as a line of text: time, seq, short hash, kind, job, message.
enum BeadLine {
    static func text(_ bead: Bead) -> String {
        let time = bead.createdAt.formatted(.iso8601)
        let job = bead.jobID?.short ?? "-"
        let stage = bead.stage.map { " [\($0)]" } ?? ""
        return "\(time)  #\(bead.seq)  \(bead.shortHash)  \(job)  \(bead.kind)\(stage)  \(bead.message)"
    }
}
