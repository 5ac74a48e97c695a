import Foundation
import PilothouseCore

/// The audit chain of the selected job (or the engine's own beads when none is selected), newest
/// at the bottom like a log, with the time since the previous bead, and failures in the error
/// colour so a broken stage stands out in a long chain.
enum BeadsPane {
    static func render(
        _ model: ConsoleModel, into canvas: inout Canvas, rect: Rect, theme: Theme, focused: Bool,
        top previousTop: Int
    ) -> Int {
        let beads = model.beadsOfSelection
        let subject = model.selectedJobID.map { "Beads \($0.short)" } ?? "Beads (engine)"
        var (note, noteRole) = chainNote(model.chain, compact: rect.width < 50)
        // The live line: what the selected job's model call is doing right now.
        if let id = model.selectedJobID, let live = model.modelActivity[id] {
            note = live.sentence(now: model.now)
            noteRole = .accent
        }
        let inner = PaneFrame.draw(
            &canvas, rect, pane: .beads, title: subject, focused: focused, theme: theme, note: note,
            noteRole: noteRole)
        guard inner.height > 0, inner.width > 0 else { return 0 }
        guard !beads.isEmpty else {
            PaneFrame.empty(&canvas, inner, "no beads yet", theme: theme)
            return 0
        }
        let selected = model.selectedBeadIndex
        // Following the newest keeps the bottom of the chain in view, like `tail -f`.
        let anchor = model.beadCursor == nil ? beads.count - 1 : selected
        let top = ListWindow.top(
            selected: anchor, previousTop: model.beadCursor == nil ? .max : previousTop, height: inner.height,
            count: beads.count)
        let wide = inner.width >= 50
        let end = min(beads.count, top + inner.height)
        for index in top..<end {
            let bead = beads[index]
            let row = inner.row(index - top)
            let role = role(of: bead)
            var x = row.x + 1
            if wide {
                // The sequence number is what `pilothouse beads` shows; narrow panes skip it for the message.
                x =
                    canvas.put(
                        Format.right("#\(bead.seq)", 6), x: x, y: row.y, style: theme[.muted], clip: row)
                    + 1
                x =
                    canvas.put(
                        Format.right(Format.age(from: bead.createdAt, to: model.now), 4), x: x, y: row.y,
                        style: theme[.muted], clip: row) + 1
            }
            let delta =
                index > 0
                ? "+" + Format.duration(milliseconds: bead.createdAtMillis - beads[index - 1].createdAtMillis)
                : ""
            x =
                canvas.put(Format.right(delta, wide ? 7 : 6), x: x, y: row.y, style: theme[.muted], clip: row)
                + 1
            let kind = wide ? Format.fit(bead.kind.rawValue, 15) : Format.fit(shortKind(bead.kind), 9)
            x =
                canvas.put(kind, x: x, y: row.y, style: theme[role == .normal ? .accent : role], clip: row)
                + 1
            var text = bead.stage.map { "\($0) " } ?? ""
            text += bead.message
            let hashWidth = wide ? 9 : 0
            let textWidth = max(0, row.maxX - x - hashWidth)
            canvas.put(Format.fit(text, textWidth), x: x, y: row.y, style: theme[role], clip: row)
            if wide {
                canvas.put(bead.shortHash, x: row.maxX - 8, y: row.y, style: theme[.muted], clip: row)
            }
            if index == selected && model.beadCursor != nil {
                PaneFrame.highlight(&canvas, row: row, focused: focused, theme: theme)
            }
        }
        return top
    }

    static func chainNote(_ chain: ChainLinks, compact: Bool) -> (String, ThemeRole) {
        switch chain {
        case .unchecked: ("", .muted)
        case .linked(let n): (compact ? "✓\(n)" : "\(n) links ok", .ok)
        case .broken(let seq): (compact ? "✗#\(seq)" : "chain broken at #\(seq)", .error)
        }
    }

    static func role(of bead: Bead) -> ThemeRole {
        switch bead.kind {
        case .stageFailed, .quarantined, .patchRejected: .error
        case .stageSlow, .leaseReclaimed: .warn
        case .merged, .patchApproved: .ok
        default: bead.metadata["error"] != nil ? .error : .normal
        }
    }

    private static func shortKind(_ kind: BeadKind) -> String {
        let raw = kind.rawValue
        for prefix in ["stage_", "patch_", "quarantine_"]
        where raw.hasPrefix(prefix) && raw.count > prefix.count {
            return String(raw.dropFirst(prefix.count))
        }
        return raw
    }
}
