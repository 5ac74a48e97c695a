import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Turn an improvement plan (Markdown) into jobs.",
        discussion: """
            Headed items, numbered and bulleted items, priority markers (P0–P3, Critical/High/Medium/Low,
            priority tables), File:/Files: lines and phases are understood. Importing the same plan again
            adds nothing; an item whose text changed updates its job while the job is still queued.
            """)

    @Argument(help: "The plan file (Markdown).")
    var plan: String

    @Flag(help: "Show what would be imported without changing anything.")
    var dryRun = false

    @Flag(help: "Print JSON: the items (with --dry-run) or the import summary.")
    var json = false

    @OptionGroup var options: RepositoryOptions

    func run() throws {
        let (repository, store) = try options.openStore()
        let config = try options.config(for: repository)
        let path = (plan as NSString).expandingTildeInPath
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let data: Data
        do {
            data = try BoundedFile.read(plan == "-" ? "-" : absolute, limit: config.limits.planBytes)
        } catch {
            throw CommandFailure(
                error.message(path: plan, limitKey: "plan_bytes", limit: config.limits.planBytes)
                    + (error == .tooLarge ? "" : "; give the path of a Markdown plan"))
        }
        let operations = JobOperations(store: store, config: config)
        let items = try operations.planItems(
            String(decoding: data, as: UTF8.self), subject: plan, limit: config.limits.planItems)
        if items.isEmpty {
            // A description without actionable items (an architecture document, say) is not an
            // error, but the operator should know nothing was queued and why.
            if json {
                print(dryRun ? "[]" : try JSONOutput.encode(PlanImportSummary()))
            } else {
                print(
                    "\(plan): no actionable items found, nothing queued (plans need headed, numbered or bulleted improvement items with optional P0–P3 markers; see `pilothouse import --help`)"
                )
            }
            return
        }
        if dryRun {
            if json {
                print(try JSONOutput.encode(items))
            } else {
                print(
                    TextTable.render(
                        header: ["PRI", "CATEGORY", "TITLE", "ANCHOR"],
                        rows: items.map {
                            [$0.priority.description, $0.category.rawValue, $0.title, $0.anchor]
                        }))
            }
            return
        }
        let summary = try operations.importPlan(
            items, plan: planIdentity(absolute, root: repository.root), maxAttempts: config.jobs.maxAttempts)
        if json {
            print(try JSONOutput.encode(summary))
        } else {
            var parts = [
                "\(summary.added.count) added", "\(summary.updated.count) updated",
                "\(summary.unchanged) unchanged",
            ]
            if summary.notQueued > 0 {
                parts.append("\(summary.notQueued) changed but already past the queue (left as they are)")
            }
            print("\(plan): \(items.count) items — \(parts.joined(separator: ", "))")
        }
    }

    /// Plans inside the repository are named relative to it, so moving the checkout keeps
    /// their identity; others by absolute path.
    private func planIdentity(_ absolute: String, root: String) -> String {
        let standardized = (absolute as NSString).standardizingPath
        let prefix = (root as NSString).standardizingPath + "/"
        return standardized.hasPrefix(prefix) ? String(standardized.dropFirst(prefix.count)) : standardized
    }
}
