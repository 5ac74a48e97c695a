import Foundation
import PilothouseCore

/// The fleet in the gauges pane: every engine working on the store, with its host, pid, jobs
/// held, heartbeat age and version. Shown once a second engine joins or one is lost, so a
/// lone engine's console stays as it was.
enum EnginesView {
    typealias Line = (inout Canvas, Rect, Theme) -> Void

    static func lines(_ model: ConsoleModel) -> [Line] {
        let engines = model.gauges.engines
        let now = model.now
        guard engines.count > 1 || engines.contains(where: { $0.isLost(at: now) }) else { return [] }
        let lost = engines.filter { $0.isLost(at: now) }.count
        var lines: [Line] = [
            { canvas, row, theme in
                let x = canvas.put(
                    "engines \(engines.count)", x: row.x + 1, y: row.y, style: theme[.title], clip: row)
                if lost > 0 {
                    canvas.put(" · \(lost) lost", x: x, y: row.y, style: theme[.error], clip: row)
                }
            }
        ]
        for engine in engines {
            lines.append { canvas, row, theme in line(engine, now: now, into: &canvas, row: row, theme: theme)
            }
        }
        return lines
    }

    private static func line(
        _ engine: EngineRecord, now: Date, into canvas: inout Canvas, row: Rect, theme: Theme
    ) {
        let isLost = engine.isLost(at: now)
        let age = Format.age(from: engine.heartbeatAt, to: now)
        let right =
            isLost
            ? "lost \(age) · jobs reclaimable"
            : "\(engine.jobsHeld) job\(engine.jobsHeld == 1 ? "" : "s") · \(age)"
        let rightWidth = TextWidth.of(right)
        // Control characters in a host name are replaced by `Canvas.put`, like any text.
        let name = "\(engine.host) \(engine.pid) v\(engine.version)"
        canvas.put(
            Format.fit(name, max(0, row.width - rightWidth - 4)), x: row.x + 2, y: row.y,
            style: theme[isLost ? .error : .normal], clip: row)
        canvas.put(
            right, x: row.maxX - rightWidth, y: row.y, style: theme[isLost ? .error : .muted], clip: row)
    }
}
