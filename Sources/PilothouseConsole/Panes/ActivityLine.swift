import Foundation
import PilothouseCore

/// The three time series of the gauges pane.
enum ActivitySeries: CaseIterable {
    case finished, spend, tokens

    var label: String {
        switch self {
        case .finished: "done/min"
        case .spend: "$/min"
        case .tokens: "tok/min"
        }
    }
}

/// One row of the gauges pane: a label, a sparkline of the last 15 minutes (oldest left), and
/// the current minute's value, e.g. `done/min ▁▃▅▇█▆  ▂▄ 12`.
enum ActivityLine {
    static let labelWidth = 9

    static func draw(
        _ canvas: inout Canvas, row: Rect, series: ActivitySeries, model: ConsoleModel, theme: Theme
    ) {
        let values: [Int64]
        let latest: String
        switch series {
        case .finished:
            values = model.activity.finished.values(endingAt: model.now)
            latest = "\(values.last ?? 0)"
        case .spend:
            values = model.activity.spend.values(endingAt: model.now)
            latest = Format.money(Money(micros: values.last ?? 0))
        case .tokens:
            values = model.activity.tokens.values(endingAt: model.now)
            latest = Format.compact(Int(values.last ?? 0))
        }
        let x = row.x + 1
        canvas.put(series.label, x: x, y: row.y, style: theme[.muted], clip: row)
        let sparkX = x + labelWidth
        let end = canvas.put(
            Sparkline.render(values), x: sparkX, y: row.y, style: theme[.gaugeFill], clip: row)
        canvas.put(" " + latest, x: end, y: row.y, style: theme[.normal], clip: row, overflow: .ellipsis)
    }
}
