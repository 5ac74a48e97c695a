import PilothouseCore

/// Spend against budget, load, and each model's rate use and circuit: bars with the numbers
/// beside them, because the numbers are what the operator acts on.
enum GaugesPane {
    /// Rows the pane wants at `width`, so the layout can give it no more than it uses.
    static func preferredHeight(_ model: ConsoleModel, width: Int) -> Int {
        let perModel = width - 2 >= 60 ? 1 : 2
        return 2 + 3 + 3 + (model.gauges.models.isEmpty ? 1 : 1 + perModel * model.gauges.models.count)
            + EnginesView.lines(model).count
    }

    static func render(
        _ model: ConsoleModel, into canvas: inout Canvas, rect: Rect, theme: Theme, focused: Bool,
        top previousTop: Int
    ) -> Int {
        let (stateText, stateRole) = engineState(model.engineState)
        let inner = PaneFrame.draw(
            &canvas, rect, pane: .gauges, title: "Gauges", focused: focused, theme: theme,
            note: "engine \(stateText)",
            noteRole: stateRole)
        guard inner.height > 0, inner.width > 4 else { return 0 }
        var lines: [(inout Canvas, Rect) -> Void] = []
        let g = model.gauges
        lines.append { canvas, row in
            spend(&canvas, row: row, label: "run", spent: g.runSpend, budget: g.runBudget, theme: theme)
        }
        lines.append { canvas, row in
            spend(&canvas, row: row, label: "day", spent: g.daySpend, budget: g.dayBudget, theme: theme)
        }
        lines.append { canvas, row in
            var x = row.x + 1
            x = canvas.put("queue ", x: x, y: row.y, style: theme[.muted], clip: row)
            x = canvas.put("\(g.queueDepth)", x: x, y: row.y, style: theme[.normal], clip: row)
            x = canvas.put("  in flight ", x: x, y: row.y, style: theme[.muted], clip: row)
            x = canvas.put("\(g.inFlight)", x: x, y: row.y, style: theme[.normal], clip: row)
            if let disk = g.diskUsedBytes {
                x = canvas.put("  disk ", x: x, y: row.y, style: theme[.muted], clip: row)
                x = canvas.put(Format.bytes(disk), x: x, y: row.y, style: theme[.normal], clip: row)
            }
            if let failing = g.webhooksFailing, failing > 0 {
                canvas.put("  webhooks failing \(failing)", x: x, y: row.y, style: theme[.error], clip: row)
            }
        }
        lines += EnginesView.lines(model).map { line in { canvas, row in line(&canvas, row, theme) } }
        for series in ActivitySeries.allCases {
            lines.append { canvas, row in
                ActivityLine.draw(&canvas, row: row, series: series, model: model, theme: theme)
            }
        }
        if g.models.isEmpty {
            lines.append { canvas, row in
                canvas.put("no model calls yet", x: row.x + 1, y: row.y, style: theme[.muted], clip: row)
            }
        } else {
            lines.append { canvas, row in
                canvas.put("models", x: row.x + 1, y: row.y, style: theme[.title], clip: row)
            }
            let oneLine = inner.width >= 60
            for gauge in g.models {
                if oneLine {
                    lines.append { canvas, row in modelLine(&canvas, row: row, gauge: gauge, theme: theme) }
                } else {
                    lines.append { canvas, row in modelHeader(&canvas, row: row, gauge: gauge, theme: theme) }
                    lines.append { canvas, row in
                        let halves = Layout.columns(row.inset(left: 1), [.fill(), .fixed(1), .fill()])
                        rate(
                            &canvas, halves[0], "r", gauge.requestsPerMinute, gauge.requestsPerMinuteLimit,
                            theme)
                        rate(
                            &canvas, halves[2], "t", gauge.tokensPerMinute, gauge.tokensPerMinuteLimit, theme)
                    }
                }
            }
        }
        let top = min(max(0, previousTop), max(0, lines.count - inner.height))
        for (i, draw) in lines.dropFirst(top).prefix(inner.height).enumerated() {
            draw(&canvas, inner.row(i))
        }
        return top
    }

    static func engineState(_ state: EngineRunState) -> (String, ThemeRole) {
        switch state {
        case .running: ("running", .ok)
        case .paused: ("paused", .warn)
        case .budgetStopped: ("stopped: budget", .error)
        case .draining: ("draining", .warn)
        case .idle: ("idle", .muted)
        }
    }

    private static func spend(
        _ canvas: inout Canvas, row: Rect, label: String, spent: Money, budget: Money?, theme: Theme
    ) {
        let x = canvas.put(label, x: row.x + 1, y: row.y, style: theme[.muted], clip: row) + 1
        let area = Rect(x: x, y: row.y, width: row.maxX - x, height: 1)
        guard let budget else {
            canvas.put(
                "\(Format.money(spent)) (no budget)", x: x, y: row.y, style: theme[.normal], clip: area)
            return
        }
        let fraction = budget.micros > 0 ? Double(spent.micros) / Double(budget.micros) : 1
        canvas.gauge(
            area, value: spent.micros, total: budget.micros,
            label: "\(Format.money(spent))/\(Format.money(budget))",
            fillStyle: theme[load(fraction)], emptyStyle: theme[.gaugeEmpty], labelStyle: theme[.normal])
    }

    /// What a model held back by its provider shows instead of its rates.
    static func holdText(_ gauge: ModelGauge) -> String? {
        gauge.resumesInSeconds.map { "rate limited · resumes in \($0) s" }
    }

    private static func modelHeader(_ canvas: inout Canvas, row: Rect, gauge: ModelGauge, theme: Theme) {
        var (circuit, role) = circuit(gauge.circuit)
        var right = "\(circuit) \(gauge.inFlight)⇅"
        if let seconds = gauge.resumesInSeconds, gauge.circuit == .closed {
            right = "limited · \(seconds) s"
            role = .warn
        }
        let width = TextWidth.of(right)
        canvas.put(
            Format.fit(gauge.model, max(0, row.width - width - 3)), x: row.x + 1, y: row.y,
            style: theme[.normal],
            clip: row)
        canvas.put(right, x: row.maxX - width, y: row.y, style: theme[role], clip: row)
    }

    private static func modelLine(_ canvas: inout Canvas, row: Rect, gauge: ModelGauge, theme: Theme) {
        let (circuit, role) = circuit(gauge.circuit)
        let nameWidth = min(28, row.width / 4)
        let right = "\(circuit) \(gauge.inFlight)⇅"
        let rightWidth = 16
        canvas.put(
            Format.fit(gauge.model, nameWidth), x: row.x + 1, y: row.y, style: theme[.normal], clip: row)
        let middle = Rect(
            x: row.x + 2 + nameWidth, y: row.y, width: row.width - nameWidth - rightWidth - 3, height: 1)
        if let hold = holdText(gauge) {
            canvas.put(hold, x: middle.x, y: middle.y, style: theme[.warn], clip: middle)
        } else {
            let halves = Layout.columns(middle, [.fill(), .fixed(2), .fill()])
            rate(&canvas, halves[0], "rpm", gauge.requestsPerMinute, gauge.requestsPerMinuteLimit, theme)
            rate(&canvas, halves[2], "tpm", gauge.tokensPerMinute, gauge.tokensPerMinuteLimit, theme)
        }
        canvas.put(
            Format.right(right, rightWidth), x: row.maxX - rightWidth, y: row.y, style: theme[role], clip: row
        )
    }

    private static func rate(
        _ canvas: inout Canvas, _ area: Rect, _ label: String, _ used: Int, _ limit: Int?, _ theme: Theme
    ) {
        let x = canvas.put(label, x: area.x, y: area.y, style: theme[.muted], clip: area) + 1
        let rest = Rect(x: x, y: area.y, width: area.maxX - x, height: 1)
        let text = "\(Format.compact(used))/\(limit.map(Format.compact) ?? "–")"
        guard let limit, limit > 0 else {
            canvas.put(text, x: x, y: area.y, style: theme[.normal], clip: rest)
            return
        }
        canvas.gauge(
            rest, value: Int64(used), total: Int64(limit), label: text,
            fillStyle: theme[load(Double(used) / Double(limit))], emptyStyle: theme[.gaugeEmpty],
            labelStyle: theme[.normal])
    }

    /// Bars turn warn at 70% and error at 90%: the point to act is before the limit.
    static func load(_ fraction: Double) -> ThemeRole {
        fraction >= 0.9 ? .error : fraction >= 0.7 ? .warn : .gaugeFill
    }

    static func circuit(_ circuit: ModelGauge.Circuit) -> (String, ThemeRole) {
        switch circuit {
        case .closed: ("● closed", .ok)
        case .halfOpen: ("◐ half-open", .warn)
        case .open: ("○ open", .error)
        }
    }
}
