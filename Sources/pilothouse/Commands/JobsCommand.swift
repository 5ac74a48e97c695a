import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List and inspect jobs.", subcommands: [List.self, Show.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List jobs, first to run first.")

        @Option(
            help: ArgumentHelp(
                "Only jobs in this state (\(JobState.allCases.map(\.rawValue).joined(separator: ", "))).",
                valueName: "state"))
        var state: String?

        @Flag(help: "Print JSON (an array of jobs).")
        var json = false

        @OptionGroup var options: RepositoryOptions

        func validate() throws {
            if let state, JobState(rawValue: state) == nil {
                throw ValidationError(
                    "unknown state '\(state)'; use one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }

        func run() throws {
            let (_, store) = try options.openStoreForReading()
            let jobs = try store.jobs(state: state.flatMap(JobState.init(rawValue:)))
            if json {
                print(try JSONOutput.encode(jobs))
                return
            }
            if jobs.isEmpty {
                print(
                    "no jobs\(state.map { " in state \($0)" } ?? ""); add some with `pilothouse import PLAN.md` or `pilothouse enqueue`"
                )
                return
            }
            print(
                TextTable.render(
                    header: ["ID", "PRI", "STATE", "STAGE", "TRIES", "CATEGORY", "TITLE"],
                    rows: jobs.map { job in
                        [
                            job.id.short, job.priority.description, job.state.rawValue,
                            job.currentStage?.rawValue ?? "-",
                            "\(job.attempts)/\(job.maxAttempts)", job.category.rawValue, job.title,
                        ]
                    }))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one job and its beads.")

        @Argument(help: "The job id, or an unambiguous part of it (as `jobs ls` shows).")
        var id: String

        @Flag(help: "Print JSON (the job with its beads).")
        var json = false

        @OptionGroup var options: RepositoryOptions

        struct Detail: Encodable {
            var job: Job
            var beads: [Bead]
        }

        func run() throws {
            let (_, store) = try options.openStoreForReading()
            let job = try store.resolveJob(id)
            let beads = try store.beads(jobID: job.id)
            if json {
                print(try JSONOutput.encode(Detail(job: job, beads: beads)))
                return
            }
            print(
                "\(job.id)  \(job.priority)  \(job.category)  \(job.state)\(job.currentStage.map { " (\($0))" } ?? "")"
            )
            print("title:    \(job.title)")
            print("attempts: \(job.attempts)/\(job.maxAttempts)")
            if let plan = job.sourcePlan { print("source:   \(plan)#\(job.sourceAnchor ?? "")") }
            if !job.filesHint.isEmpty { print("files:    \(job.filesHint.joined(separator: ", "))") }
            print(
                "created:  \(job.createdAt.formatted(.iso8601))   updated: \(job.updatedAt.formatted(.iso8601))"
            )
            print("\ngoal:\n\(job.goal)\n\nbeads:")
            for bead in beads { print("  " + BeadLine.text(bead)) }
        }
    }
}
