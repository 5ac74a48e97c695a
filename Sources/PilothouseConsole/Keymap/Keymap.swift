/// The one table that decides what every key does.
///
/// The help overlay and Docs/KEYS.md are generated from the same `ConsoleAction` metadata, so
/// they cannot drift from the behaviour; a test checks the committed KEYS.md.
public struct Keymap: Hashable, Sendable {
    public private(set) var keysByAction: [ConsoleAction: [Key]]
    private var actionsByKey: [Key: ConsoleAction]
    /// Keys of the diff viewer's own actions, looked up first while a diff is open.
    private var diffActionsByKey: [Key: ConsoleAction]

    /// Marks an action as having no key at all (lazygit's spelling).
    public static let disabled = "<disabled>"

    public static let `default`: Keymap = {
        // The default table is checked by tests, so a failure here is a programming error.
        do { return try Keymap(overrides: [:]) } catch { fatalError("default keymap: \(error)") }
    }()

    /// The defaults with `overrides` applied: each entry replaces that action's keys entirely, as
    /// in lazygit (`approve = ["a", "y"]`, `drop = ["<disabled>"]`).
    public init(overrides: [String: [String]]) throws(KeymapError) {
        let unknown = overrides.keys.filter { ConsoleAction(rawValue: $0) == nil }.sorted()
        if !unknown.isEmpty { throw .unknownActions(unknown) }
        var keysByAction: [ConsoleAction: [Key]] = [:]
        for action in ConsoleAction.allCases {
            let names = overrides[action.rawValue] ?? action.defaultKeys
            var keys: [Key] = []
            for name in names where name != Keymap.disabled {
                guard let key = KeyName.parse(name) else {
                    throw .unknownKey(action: action.rawValue, key: name)
                }
                if !keys.contains(key) { keys.append(key) }
            }
            keysByAction[action] = keys
        }
        var actionsByKey: [Key: ConsoleAction] = [:]
        var diffActionsByKey: [Key: ConsoleAction] = [:]
        for action in ConsoleAction.allCases {
            for key in keysByAction[action] ?? [] {
                if let other = action.isDiffOnly ? diffActionsByKey[key] : actionsByKey[key] {
                    throw .conflict(
                        key: KeyName.name(of: key), actions: [other.rawValue, action.rawValue].sorted())
                }
                if action.isDiffOnly { diffActionsByKey[key] = action } else { actionsByKey[key] = action }
            }
        }
        self.keysByAction = keysByAction
        self.actionsByKey = actionsByKey
        self.diffActionsByKey = diffActionsByKey
    }

    /// What `key` does; with `inDiff` the diff viewer's own actions come first.
    public func action(for key: Key, inDiff: Bool = false) -> ConsoleAction? {
        if inDiff, let action = diffActionsByKey[key] { return action }
        return actionsByKey[key]
    }

    public func keys(for action: ConsoleAction) -> [Key] { keysByAction[action] ?? [] }

    /// `"j, down"`, or `"(none)"` for a disabled action.
    public func keyLabel(for action: ConsoleAction) -> String {
        let keys = keys(for: action)
        return keys.isEmpty ? "(none)" : keys.map(KeyName.name(of:)).joined(separator: ", ")
    }

    /// The help overlay's lines: a heading per section, then `keys  description` rows.
    public func helpLines(readOnly: Bool) -> [HelpLine] {
        var lines: [HelpLine] = []
        for section in ConsoleAction.Section.allCases {
            if !lines.isEmpty { lines.append(.blank) }
            lines.append(.heading(section.rawValue))
            for action in ConsoleAction.allCases where action.section == section {
                let note = readOnly && action.isMutating ? " (off: read-only)" : ""
                lines.append(.binding(keys: keyLabel(for: action), summary: action.summary + note))
            }
        }
        lines.append(.blank)
        lines.append(.heading("In prompts"))
        lines.append(.binding(keys: "enter", summary: "Accept"))
        lines.append(.binding(keys: "esc", summary: "Cancel"))
        lines.append(.binding(keys: "y / n", summary: "Answer a confirmation (any other key cancels)"))
        return lines
    }

    public enum HelpLine: Hashable, Sendable {
        case heading(String)
        case binding(keys: String, summary: String)
        case blank
    }

    /// Docs/KEYS.md, generated from the default table.
    public static func markdown() -> String {
        var text = """
            # Keys

            <!-- Generated from the console's keymap table (Keymap.markdown()); do not edit by hand.
                 A test fails when this file and the table disagree; regenerate with
                 PILOTHOUSE_RECORD_SNAPSHOTS=1 swift test --filter KeymapDocumentTests. -->

            The same table drives the `?` overlay in the console. Keys apply to the focused pane;
            actions marked *changes state* are refused, with a note on the status line, when the
            console is attached with `--read-only`.


            """
        for section in ConsoleAction.Section.allCases {
            text += "## \(section.rawValue)\n\n| keys | action | what it does |\n|---|---|---|\n"
            for action in ConsoleAction.allCases where action.section == section {
                let keys = action.defaultKeys.map { "`\($0 == "`" ? "``" : $0)`" }.joined(separator: ", ")
                let summary =
                    action.summary + (action.isMutating ? " — *changes state*" : "")
                    + (action.isDiffOnly ? " — *diff viewer only*" : "")
                text += "| \(keys) | `\(action.rawValue)` | \(summary.replacingPipes()) |\n"
            }
            text += "\n"
        }
        text += """
            ## Prompts

            `/` (filter; in the job view, a search of the transcript), `:` (command palette), `r`
            (reject reason), `R` on a quarantined record (an optional note for the model, under the
            question saying what happens to the job) and `c` in the diff viewer (a comment on the
            line, or on the range marked with `v`) open a prompt on the status line: type,
            `backspace` to delete, `enter` to accept, `esc` to cancel. The filter applies as you
            type; a transcript search runs on `enter`, then `n`/`N` move between its matches.
            Confirmations (cancel, release, drop, quit while jobs run) take `y`; any other key
            cancels.

            ## Remapping

            Keys are remapped in `.pilothouse/pilothouse.toml`, lazygit style: each entry replaces
            the action's keys, and `"<disabled>"` removes them all.

            ```toml
            [keys]
            approve = ["a", "y"]
            drop = ["<disabled>"]
            quit = ["q", "<c-c>"]
            ```

            Key names: a single character (`a`, `G`, `/`), `space`, `enter`, `esc`, `tab`,
            `shift-tab`, `up`, `down`, `left`, `right`, `pgup`, `pgdn`, `home`, `end`,
            `backspace`, `del`, `ctrl-x` (or `<c-x>`), `f1`…`f12`; lazygit's `<enter>`-style
            brackets are accepted too. An unknown action name, an unknown key or two actions on one
            key is an error that names them.

            """
        return text
    }
}

extension String {
    fileprivate func replacingPipes() -> String {
        var result = ""
        for character in self { result += character == "|" ? "\\|" : String(character) }
        return result
    }
}
