import ArgumentParser
import Foundation
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// `pilothouse cost`: spend and tokens from the ledger, exact to the micro-dollar.
struct CostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost", abstract: "Report model spend and tokens from the ledger.")

    @Option(
        help: ArgumentHelp(
            "Group by \(CostReport.Grouping.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "key"))
    var by: String?

    @Flag(help: "Print JSON (rows and total_usd).")
    var json = false

    @OptionGroup var options: RepositoryOptions

    func validate() throws {
        if let by, CostReport.Grouping(rawValue: by) == nil {
            throw ValidationError(
                "cannot group by '\(by)'; use one of \(CostReport.Grouping.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    func run() throws {
        let (_, store) = try options.openStoreForReading()
        let report = try store.costReport(by: by.flatMap(CostReport.Grouping.init(rawValue:)))
        if json {
            print(try JSONOutput.encode(report.document))
            return
        }
        if report.total.calls == 0 {
            print("no model calls recorded yet")
            return
        }
        func row(_ row: CostReport.Row, key: String) -> [String] {
            [
                key, String(row.calls), String(row.tokens.input), String(row.tokens.output),
                String(row.tokens.cachedInput), row.cost.description,
            ]
        }
        var rows = report.rows.map { item in
            row(item, key: report.grouping == .job ? (JobID(item.key)?.short ?? item.key) : item.key)
        }
        rows.append(row(report.total, key: "TOTAL"))
        print(
            TextTable.render(
                header: [
                    (report.grouping?.rawValue ?? "").uppercased(), "CALLS", "IN", "OUT", "CACHED", "COST",
                ],
                rows: rows))
    }
}
