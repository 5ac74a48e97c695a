import PilothouseCore

/// Views drawn over the panes: the key help and a quarantined record in full.
enum HelpOverlay {
    /// Returns the first row shown (`top` clamped), which the view writes back.
    @discardableResult
    static func render(
        keymap: Keymap, readOnly: Bool, top: Int, into canvas: inout Canvas, area: Rect, theme: Theme
    ) -> Int {
        let lines = keymap.helpLines(readOnly: readOnly)
        let rect = Layout.centered(
            Size(width: min(96, area.width - 4), height: min(lines.count + 2, area.height - 2)), in: area)
        let inner = PaneFrame.draw(
            &canvas, rect, pane: nil, title: "Keys", focused: true, theme: theme,
            note: "esc closes · j/k scroll")
        guard inner.height > 0 else { return top }
        let start = min(max(0, top), max(0, lines.count - inner.height))
        let keyWidth = 18
        for (i, line) in lines.dropFirst(start).prefix(inner.height).enumerated() {
            let y = inner.y + i
            switch line {
            case .heading(let text):
                canvas.put(text, x: inner.x + 1, y: y, style: theme[.title], clip: inner)
            case .binding(let keys, let summary):
                canvas.put(
                    Format.fit(keys, keyWidth), x: inner.x + 2, y: y, style: theme[.accent], clip: inner)
                canvas.put(
                    summary, x: inner.x + 3 + keyWidth, y: y, style: theme[.normal], clip: inner,
                    overflow: .ellipsis)
            case .blank:
                break
            }
        }
        return start
    }
}

enum QuarantineRecordOverlay {
    /// Returns the first row shown (`top` clamped), which the view writes back.
    @discardableResult
    static func render(
        _ record: QuarantineRecord, model: ConsoleModel, top: Int, into canvas: inout Canvas, area: Rect,
        theme: Theme
    ) -> Int {
        let rect = area.inset(top: 1, left: 2, bottom: 1, right: 2)
        let inner = PaneFrame.draw(
            &canvas, rect, pane: nil, title: "Quarantined \(record.id.short)", focused: true, theme: theme,
            note: "R retry · u release · d drop · esc close")
        guard inner.height > 0, inner.width > 4 else { return top }
        let width = inner.width - 2
        var lines: [(String, ThemeRole)] = [
            ("reason   \(record.reason.rawValue)", .error),
            ("job      \(record.jobID?.rawValue ?? "-")", .normal),
            ("age      \(Format.age(from: record.createdAt, to: model.now))", .normal),
        ]
        if let id = record.jobID, let job = model.jobs[id] {
            lines.append(("title    \(job.title)", .normal))
        }
        lines.append(("", .normal))
        for line in wrap(record.message, width: width) { lines.append((line, .normal)) }
        lines.append(("", .normal))
        if width >= 100, let (leftTitle, left, rightTitle, right) = QuarantineEvidence.columns(for: record) {
            // Side by side: the answer on the left, what it should have looked like on the right.
            let half = (width - 3) / 2
            var rows: [(String, ThemeRole)] = [(Format.fit(leftTitle, half) + " │ " + rightTitle, .title)]
            let leftRows = left.flatMap { line in wrap(line.text, width: half).map { ($0, line.role) } }
            for i in 0..<max(leftRows.count, right.count) {
                let l = i < leftRows.count ? leftRows[i].0 : ""
                let r = i < right.count ? right[i].text : ""
                rows.append((Format.fit(l, half) + " │ " + r, i < leftRows.count ? leftRows[i].1 : .muted))
            }
            lines += rows
        } else {
            let (title, evidence) = QuarantineEvidence.lines(for: record)
            lines.append((title, .title))
            for line in evidence {
                for piece in wrap(line.text, width: width) { lines.append((piece, line.role)) }
            }
            if let (_, _, rightTitle, right) = QuarantineEvidence.columns(for: record) {
                lines.append(("", .normal))
                lines.append((rightTitle + ":", .title))
                for line in right { lines.append((line.text, line.role)) }
            }
        }
        lines += jobEvidence(record, model: model, width: width)
        let start = min(max(0, top), max(0, lines.count - inner.height))
        for (i, line) in lines.dropFirst(start).prefix(inner.height).enumerated() {
            canvas.put(
                line.0, x: inner.x + 1, y: inner.y + i, style: theme[line.1], clip: inner, overflow: .ellipsis
            )
        }
        return start
    }

    /// The job's side of the evidence, from the `JobDetail` asked for when the record opened:
    /// the patch with offending files and lines marked (policy records), or the last attempts'
    /// failures side by side (test and `max_attempts` records).
    static func jobEvidence(_ record: QuarantineRecord, model: ConsoleModel, width: Int) -> [(
        String, ThemeRole
    )] {
        let patchRecord = QuarantineEvidence.patchReasons.contains(record.reason)
        let attemptRecord = QuarantineEvidence.attemptReasons.contains(record.reason)
        guard patchRecord || attemptRecord, let jobID = record.jobID else { return [] }
        var lines: [(String, ThemeRole)] = [("", .normal)]
        guard let state = model.jobDetail, state.jobID == jobID else { return [] }
        switch state.load {
        case .loading:
            return lines + [("asking the engine for the job's patch and attempts…", .muted)]
        case .failed(let message):
            return lines + [(message, .error)]
        case .loaded(let detail, _, let patch):
            if patchRecord {
                guard let patch else {
                    lines.append(
                        (
                            detail.patch == nil
                                ? "the job has no stored patch (one carrying a blocked secret is never stored): the findings above are the evidence"
                                : "the job's stored patch does not parse; see it with pilothouse jobs show",
                            .muted
                        ))
                    return lines
                }
                lines.append(("the job's patch (redacted; ▶ marks what the findings name):", .title))
                lines += QuarantineEvidence.markedPatch(patch, for: record).map { ($0.text, $0.role) }
            } else {
                let columns = QuarantineEvidence.attemptColumns(detail.stageHistory)
                guard !columns.isEmpty else {
                    lines.append(("no failed stage is recorded for the job's attempts", .muted))
                    return lines
                }
                lines.append(("the last attempts' failures, oldest first:", .title))
                lines += sideBySide(columns, width: width)
            }
            return lines
        }
    }

    /// Columns of wrapped text joined with ` │ `; stacked when a column would be narrower
    /// than 24 cells.
    static func sideBySide(_ columns: [(title: String, lines: [String])], width: Int) -> [(String, ThemeRole)]
    {
        let count = columns.count
        let columnWidth = (width - 3 * (count - 1)) / max(1, count)
        if columnWidth < 24 {
            return columns.flatMap { column in
                [(column.title, ThemeRole.accent)]
                    + column.lines.flatMap { wrap($0, width: width) }.map { ($0, ThemeRole.normal) }
            }
        }
        let wrapped = columns.map { column in column.lines.flatMap { wrap($0, width: columnWidth) } }
        var rows: [(String, ThemeRole)] = [
            (columns.map { Format.fit($0.title, columnWidth) }.joined(separator: " │ "), .accent)
        ]
        for i in 0..<(wrapped.map(\.count).max() ?? 0) {
            let cells = wrapped.map { Format.fit(i < $0.count ? $0[i] : "", columnWidth) }
            rows.append((cells.joined(separator: " │ "), .normal))
        }
        return rows
    }

    /// Wraps prose at spaces (a word longer than `width` is cut).
    static func wrapWords(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if TextWidth.of(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.flatMap { TextWidth.of($0) > width ? wrap($0, width: width) : [$0] }
    }

    /// Hard-wraps each line of `text` at `width` columns (payloads are code and logs, where
    /// word wrapping would hide exact spacing).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var result: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            var used = 0
            for character in line {
                let w = TextWidth.of(character)
                if used + w > width {
                    result.append(current)
                    current = ""
                    used = 0
                }
                current.append(character)
                used += w
            }
            result.append(current)
            if result.count > 10_000 { break }
        }
        return result
    }
}

/// The top row: what the engine is doing and how much needs the operator, at a glance.
enum HeaderBar {
    static func render(
        _ model: ConsoleModel, theme: Theme, themeName: String, into canvas: inout Canvas, row: Rect
    ) {
        let base = theme[.statusLine]
        canvas.fill(row, style: base)
        // The right end says what mode the console is in; it is placed first so counts give way to it.
        var right = model.streamEnded ? "engine gone · " : ""
        if model.readOnly { right += "READ-ONLY " }
        if model.ungatedMerge { right += "UNGATED MERGE " }
        if right.isEmpty || TextWidth.of(right) + TextWidth.of(themeName) + 70 <= row.width {
            right += "\(themeName) "
        }
        let rightWidth = TextWidth.of(right)
        canvas.put(
            right, x: row.maxX - rightWidth, y: row.y,
            style: theme.style(
                model.readOnly || model.streamEnded || model.ungatedMerge ? .warn : .muted, on: .statusLine),
            clip: row)
        let left = Rect(x: row.x, y: row.y, width: max(0, row.width - rightWidth - 1), height: 1)
        var x = canvas.put(
            " Pilothouse ", x: row.x, y: row.y, style: theme.style(.title, on: .statusLine), clip: left)
        let (state, role) = GaugesPane.engineState(model.engineState)
        x = canvas.put(" ", x: x, y: row.y, style: base, clip: left)
        x = canvas.put(state, x: x, y: row.y, style: theme.style(role, on: .statusLine), clip: left)
        let running = model.runningJobCount
        let waiting = model.approvals.count
        x = canvas.put(
            " · \(model.jobs.count) jobs · \(running) running · ", x: x, y: row.y, style: base, clip: left)
        x = canvas.put(
            "\(waiting) awaiting", x: x, y: row.y,
            style: theme.style(waiting > 0 ? .warn : .statusLine, on: .statusLine), clip: left)
        x = canvas.put(" · ", x: x, y: row.y, style: base, clip: left)
        x = canvas.put(
            "\(model.quarantine.count) quarantined", x: x, y: row.y,
            style: theme.style(model.quarantine.isEmpty ? .statusLine : .error, on: .statusLine), clip: left,
            overflow: .ellipsis)
        if let pace = throughput(model) {
            canvas.put(" · " + pace, x: x, y: row.y, style: base, clip: left, overflow: .ellipsis)
        }
    }

    /// `4.2 jobs/min · drains in 35m`, or nil before anything finished.
    static func throughput(_ model: ConsoleModel) -> String? {
        guard let rate = model.activity.throughputPerMinute(at: model.now) else { return nil }
        let shown = rate >= 10 ? "\(Int(rate.rounded()))" : String(format: "%.1f", rate)
        let remaining = model.remainingJobCount
        guard remaining > 0, let seconds = model.activity.drainTime(remaining: remaining, at: model.now)
        else {
            return "\(shown) jobs/min"
        }
        return "\(shown) jobs/min · drains in \(Format.duration(milliseconds: Int64(seconds * 1000)))"
    }
}
/// A prompt's question (what retrying a record does to its job), wrapped onto up to three rows
/// just above the status line, so it is read in full before enter.
enum PromptQuestion {
    static func render(_ question: String, theme: Theme, into canvas: inout Canvas, above row: Rect) {
        let width = max(1, row.width - 2)
        let lines = Array(QuarantineRecordOverlay.wrapWords(question, width: width).prefix(3))
        for (i, line) in lines.enumerated() {
            let band = Rect(x: row.x, y: row.y - lines.count + i, width: row.width, height: 1)
            canvas.fill(band, style: theme[.statusLine])
            canvas.put(
                " " + line, x: band.x, y: band.y, style: theme.style(.warn, on: .statusLine), clip: band)
        }
    }
}

/// The bottom row: a prompt or confirmation while one is open, otherwise the last outcome or
/// notice, with the most useful keys on the right.
enum StatusBar {
    static func render(_ model: ConsoleModel, theme: Theme, into canvas: inout Canvas, row: Rect) {
        let base = theme[.statusLine]
        canvas.fill(row, style: base)
        if let confirmation = model.confirmation {
            canvas.put(
                " " + confirmation.question, x: row.x, y: row.y, style: theme.style(.warn, on: .statusLine),
                clip: row, overflow: .ellipsis)
            return
        }
        if let prompt = model.prompt {
            // A long label gives way so at least 24 columns stay for typing.
            var label = " " + prompt.label
            if TextWidth.of(label) > row.width - 24 {
                label = TextWidth.truncate(label, to: max(8, row.width - 24))
            }
            let x = canvas.put(
                label, x: row.x, y: row.y, style: theme.style(.accent, on: .statusLine), clip: row)
            // Long input scrolls left so the cursor end stays visible.
            let room = max(1, row.maxX - x - 1)
            var text = prompt.text
            while TextWidth.of(text) > room - 1, !text.isEmpty { text.removeFirst() }
            let end = canvas.put(text, x: x, y: row.y, style: base, clip: row)
            canvas.put("▏", x: end, y: row.y, style: theme.style(.accent, on: .statusLine), clip: row)
            if prompt.purpose == .command && prompt.text.isEmpty {
                canvas.put(
                    "  action name (approve, next_theme…) or budget run|day AMOUNT", x: end + 1, y: row.y,
                    style: theme.style(.muted, on: .statusLine), clip: row, overflow: .ellipsis)
            }
            return
        }
        let hints =
            model.diff != nil
            ? "n/N hunk · space exclude · a approve · r reject · esc close "
            : "? help · / filter · : command · q quit "
        let hintWidth = TextWidth.of(hints)
        let role: ThemeRole =
            switch model.status.tone {
            case .info: .statusLine
            case .ok: .ok
            case .error: .error
            case .pending: .accent
            }
        let showHints = row.width - hintWidth - 2 >= min(40, TextWidth.of(model.status.text) + 2)
        let messageArea = Rect(
            x: row.x, y: row.y, width: showHints ? row.width - hintWidth - 1 : row.width, height: 1)
        canvas.put(
            " " + model.status.text, x: row.x, y: row.y, style: theme.style(role, on: .statusLine),
            clip: messageArea, overflow: .ellipsis)
        if showHints {
            canvas.put(
                hints, x: row.maxX - hintWidth, y: row.y, style: theme.style(.muted, on: .statusLine),
                clip: row)
        }
    }
}
