import PilothouseCore

/// Records that must not proceed and must not be lost, oldest first: reason, job, age, message.
enum QuarantinePane {
    static func render(
        _ model: ConsoleModel, into canvas: inout Canvas, rect: Rect, theme: Theme, focused: Bool,
        top previousTop: Int
    ) -> Int {
        let count = model.quarantine.count
        let inner = PaneFrame.draw(
            &canvas, rect, pane: .quarantine, title: "Quarantine \(count)", focused: focused, theme: theme,
            note: count > 0 && focused ? "enter R u d" : nil)
        guard inner.height > 0, inner.width > 0 else { return 0 }
        guard count > 0 else {
            PaneFrame.empty(&canvas, inner, "nothing quarantined", theme: theme)
            return 0
        }
        let top = ListWindow.top(
            selected: model.selectedQuarantineIndex, previousTop: previousTop, height: inner.height,
            count: count)
        let reasonWidth = inner.width >= 60 ? 20 : 12
        let showJob = inner.width >= 50
        for index in top..<min(count, top + inner.height) {
            let record = model.quarantine[index]
            let row = inner.row(index - top)
            var x = row.x + 1
            x =
                canvas.put(
                    Format.fit(record.reason.rawValue, reasonWidth), x: x, y: row.y, style: theme[.error],
                    clip: row) + 1
            if showJob {
                x =
                    canvas.put(
                        Format.fit(record.jobID?.short ?? "-", 8), x: x, y: row.y, style: theme[.muted],
                        clip: row) + 1
            }
            x =
                canvas.put(
                    Format.right(Format.age(from: record.createdAt, to: model.now), 4), x: x, y: row.y,
                    style: theme[.muted], clip: row) + 1
            canvas.put(record.message, x: x, y: row.y, style: theme[.normal], clip: row, overflow: .ellipsis)
            if index == model.selectedQuarantineIndex {
                PaneFrame.highlight(&canvas, row: row, focused: focused, theme: theme)
            }
        }
        return top
    }
}

/// Patches waiting at the approval gate: size, review score and test result, so the operator can
/// pick which to open first.
enum ApprovalsPane {
    static func render(
        _ model: ConsoleModel, into canvas: inout Canvas, rect: Rect, theme: Theme, focused: Bool,
        top previousTop: Int
    ) -> Int {
        let count = model.approvals.count
        let queue = model.gauges.mergeQueue
        let frame = PaneFrame.draw(
            &canvas, rect, pane: .approvals,
            title: "Approvals \(count)"
                + (queue.entries.isEmpty ? "" : " · merge queue \(queue.entries.count)"),
            focused: focused, theme: theme, note: count > 0 && focused ? "enter a r" : nil)
        guard frame.height > 0, frame.width > 0 else { return 0 }
        // The merge queue takes the bottom rows (all of them when nothing waits for approval).
        var inner = frame
        if !queue.entries.isEmpty {
            let rows = count == 0 ? frame.height : min(queue.entries.count + 1, max(2, frame.height / 2))
            inner.height = frame.height - rows
            MergeQueueView.render(
                queue, now: model.now, into: &canvas,
                rect: Rect(x: frame.x, y: frame.y + inner.height, width: frame.width, height: rows),
                theme: theme)
        }
        guard count > 0 else {
            if queue.entries.isEmpty {
                PaneFrame.empty(&canvas, inner, "no patch awaits approval", theme: theme)
            }
            return 0
        }
        guard inner.height > 0 else { return previousTop }
        let top = ListWindow.top(
            selected: model.selectedApprovalIndex, previousTop: previousTop, height: inner.height,
            count: count)
        let wide = inner.width >= 60
        for index in top..<min(count, top + inner.height) {
            let request = model.approvals[index]
            let row = inner.row(index - top)
            // Right part first, so the title gets whatever is left.
            var parts: [(String, ThemeRole)] = []
            if let stats = model.approvalStats[request.jobID] ?? nil {
                parts.append(("+\(stats.linesAdded)", .added))
                parts.append(("-\(stats.linesRemoved)", .removed))
            } else {
                parts.append(("unparsable", .error))
            }
            if let review = request.review {
                parts.append(
                    (wide ? "review \(review.overall)/10" : "\(review.overall)/10", scoreRole(review.overall))
                )
            }
            if let tests = request.tests {
                parts.append((tests.passed ? "✓" : "✗", tests.passed ? .ok : .error))
            }
            if !request.policyFlags.isEmpty { parts.append(("⚑\(request.policyFlags.count)", .warn)) }
            let rightWidth = parts.reduce(0) { $0 + TextWidth.of($1.0) + 1 }
            var x = row.x + 1
            if wide {
                x = canvas.put(request.jobID.short, x: x, y: row.y, style: theme[.muted], clip: row) + 1
            }
            canvas.put(
                Format.fit(request.title, max(0, row.maxX - x - rightWidth - 1)), x: x, y: row.y,
                style: theme[.normal],
                clip: row)
            var rx = row.maxX - rightWidth
            for (text, role) in parts {
                rx = canvas.put(text, x: rx, y: row.y, style: theme[role], clip: row) + 1
            }
            if index == model.selectedApprovalIndex {
                PaneFrame.highlight(&canvas, row: row, focused: focused, theme: theme)
            }
        }
        return top
    }

    static func scoreRole(_ score: Int) -> ThemeRole { score >= 7 ? .ok : score >= 5 ? .warn : .error }
}
