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

    struct Output: Encodable {
        struct Row: Encodable {
            var key: String
            var calls: Int
            var tokens_in: Int
            var tokens_out: Int
            var tokens_cached: Int
            var cost_usd: Decimal
            var cost_micros: Int64
        }
        var by: String?
        var rows: [Row]
        var calls: Int
        var tokens_in: Int
        var tokens_out: Int
        var tokens_cached: Int
        var total_usd: Decimal
        var total_micros: Int64
    }

    static func output(_ report: CostReport) -> Output {
        func dollars(_ money: Money) -> Decimal { Decimal(money.micros) / Decimal(1_000_000) }
        return Output(
            by: report.grouping?.rawValue,
            rows: report.rows.map {
                Output.Row(
                    key: $0.key, calls: $0.calls, tokens_in: $0.tokens.input, tokens_out: $0.tokens.output,
                    tokens_cached: $0.tokens.cachedInput, cost_usd: dollars($0.cost),
                    cost_micros: $0.cost.micros)
            },
            calls: report.total.calls, tokens_in: report.total.tokens.input,
            tokens_out: report.total.tokens.output,
            tokens_cached: report.total.tokens.cachedInput, total_usd: dollars(report.total.cost),
            total_micros: report.total.cost.micros)
    }

    func run() throws {
        let (_, store) = try options.openStoreForReading()
        let report = try store.costReport(by: by.flatMap(CostReport.Grouping.init(rawValue:)))
        if json {
            print(try JSONOutput.encode(Self.output(report)))
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
