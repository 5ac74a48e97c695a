import Foundation
import PilothouseCore

/// The merge queue inside the approvals pane: approved jobs in queue order (priority, then
/// approval time) with their position, the batch whose candidate tree is under test and for how
/// long. The same list `pilothouse queue` prints.
enum MergeQueueView {
    static func render(
        _ queue: MergeQueueStatus, now: Date, into canvas: inout Canvas, rect: Rect, theme: Theme
    ) {
        guard rect.height > 0, rect.width > 4 else { return }
        let header = rect.row(0)
        var x =
            canvas.put("merge queue", x: header.x + 1, y: header.y, style: theme[.title], clip: header) + 1
        let batch = queue.batch
        if let tree = queue.candidateTree, let since = queue.testingSince, !batch.isEmpty {
            let seconds = max(0, Int(now.timeIntervalSince(since)))
            x = canvas.put(
                "testing \(batch.count)/\(queue.batchSize) on \(tree.prefix(8)) · \(seconds) s", x: x,
                y: header.y,
                style: theme[.warn], clip: header)
        } else {
            x = canvas.put(
                "batch size \(queue.batchSize)", x: x, y: header.y, style: theme[.muted], clip: header)
        }
        for (index, entry) in queue.entries.prefix(rect.height - 1).enumerated() {
            let row = rect.row(index + 1)
            var x = canvas.put(
                String(index + 1).leftPadded(to: 3), x: row.x + 1, y: row.y, style: theme[.muted], clip: row)
            x = canvas.put(
                entry.testing ? " ▶ testing " : "   waiting ", x: x, y: row.y,
                style: theme[entry.testing ? .warn : .muted], clip: row)
            x = canvas.put(entry.priority.description, x: x, y: row.y, style: theme[.normal], clip: row) + 1
            x = canvas.put(entry.jobID.short, x: x, y: row.y, style: theme[.muted], clip: row) + 1
            canvas.put(entry.title, x: x, y: row.y, style: theme[.normal], clip: row, overflow: .ellipsis)
        }
        let hidden = queue.entries.count - (rect.height - 1)
        if hidden > 0, rect.height > 1 {
            let row = rect.row(rect.height - 1)
            canvas.put("   … \(hidden + 1) more", x: row.x + 1, y: row.y, style: theme[.muted], clip: row)
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
