import Foundation
import PilothouseCore

/// Copies a whole store into another, empty one, of the same or the other backend, row for row:
/// beads keep their sequence numbers and hashes, so the copy's chain verifies with the same head.
///
/// Refused, with nothing written, when an engine works on the source (its writes would go on
/// after the snapshot, and a lease copied live would hold a job in the copy for an engine that
/// is not there), when the source's chain does not verify, when the target holds rows or either
/// schema is not the one this build copies, and when a row holds a value no store writes. The
/// rows go into the target in one transaction, so an interrupted copy leaves it as it was.
/// Expired leases and lost engines are history: they are copied, and the first engine on the
/// copy reclaims those jobs as it would after a crash.
public struct StoreCopy {
    public let source: any StoreTransfer
    public let target: any StoreTransfer
    /// Rows per batch; nil: each table's own (`StoreTable.batchRows`).
    public var batchRows: Int?

    public init(from source: any StoreTransfer, to target: any StoreTransfer, batchRows: Int? = nil) {
        self.source = source
        self.target = target
        self.batchRows = batchRows
    }

    /// Runs the copy; `progress` hears of every batch (and of every table once, at its end), and
    /// may throw to stop the copy (which then writes nothing).
    public func run(now: Date = Date(), progress: (StoreCopyProgress) throws -> Void = { _ in }) throws
        -> StoreCopySummary
    {
        let clock = ContinuousClock()
        let started = clock.now
        try refuseLiveEngines(now: now)
        var chain = CopiedChain(location: source.location)
        var tables: [StoreCopySummary.Table] = []
        try source.exportSnapshot { reader in
            try target.importTransaction { writer in
                // From the start on every run of this body: a backend may run a transaction
                // again after a serialization conflict.
                chain = CopiedChain(location: source.location)
                tables = []
                try checkSchema(of: reader, at: source.location)
                try checkSchema(of: writer, at: target.location)
                try refuseRows(in: writer)
                for table in StoreTables.all {
                    do {
                        let rows = try copy(
                            table, from: reader, into: writer, chain: &chain, progress: progress)
                        tables.append(StoreCopySummary.Table(name: table.name, rows: rows))
                    } catch let error as StoreCopyError {
                        throw error
                    } catch {
                        throw StoreCopyError.interrupted(
                            location: target.location, table: table.name, detail: Self.detail(of: error))
                    }
                }
                try chain.finish()
            }
        }
        try checkCopiedChain(expected: chain.checkpoint)
        let elapsed = clock.now - started
        return StoreCopySummary(
            from: source.location, to: target.location, tables: tables,
            rows: tables.reduce(0) { $0 + $1.rows },
            beads: chain.count, headHash: chain.lastHash,
            elapsedMs: elapsed.components.seconds * 1000 + elapsed.components.attoseconds
                / 1_000_000_000_000_000)
    }

    /// Copies one table; returns how many rows it had.
    private func copy(
        _ table: StoreTable, from reader: any StoreExportReader, into writer: any StoreImportWriter,
        chain: inout CopiedChain, progress: (StoreCopyProgress) throws -> Void
    ) throws -> Int64 {
        let total = try reader.count(of: table)
        if !table.seedRows.isEmpty { try writer.deleteAll(of: table) }
        var copied: Int64 = 0
        try reader.forEachBatch(of: table, batchRows: max(1, batchRows ?? table.batchRows)) { batch in
            try Task.checkCancellation()
            for row in batch {
                try check(row, of: table)
                if table.name == "beads" { try chain.follow(row, of: table) }
                if table.name == "bead_head" { try chain.head(row, of: table) }
            }
            try writer.insert(batch, into: table)
            copied += Int64(batch.count)
            if copied < total {
                try progress(StoreCopyProgress(table: table.name, copied: copied, total: total))
            }
        }
        try writer.finish(table)
        try progress(StoreCopyProgress(table: table.name, copied: copied, total: copied))
        return copied
    }

    /// Refuses while an engine is alive on the source or a lease there has not expired.
    private func refuseLiveEngines(now: Date) throws {
        if let engine = try source.engines().first(where: { !$0.isLost(at: now) }) {
            throw StoreCopyError.engineRunning(
                location: source.location, owner: engine.owner, host: engine.host, pid: engine.pid,
                heartbeatSecondsAgo: max(0, Int(now.timeIntervalSince(engine.heartbeatAt))))
        }
        if let held = try source.jobsHeld(notBy: "").first(where: { ($0.expiresAt ?? .distantPast) > now }) {
            throw StoreCopyError.leaseHeld(
                location: source.location, job: held.job.rawValue, owner: held.owner)
        }
    }

    /// Refuses a side whose tables or columns are not those of `StoreTables`: a store of
    /// another Pilothouse version, or one changed by hand.
    private func checkSchema(of side: any StoreSchemaReader, at location: String) throws {
        let present = try side.tableNames()
        let known = Set(StoreTables.all.map(\.name))
        var problems: [String] = []
        let unknown = present.subtracting(known).sorted()
        if !unknown.isEmpty {
            problems.append("tables this Pilothouse does not know: \(unknown.joined(separator: ", "))")
        }
        let missing = known.subtracting(present).sorted()
        if !missing.isEmpty { problems.append("missing tables: \(missing.joined(separator: ", "))") }
        for table in StoreTables.all where present.contains(table.name) {
            let columns = try side.columnNames(of: table.name)
            let expected = Set(table.columns.map(\.name))
            let extra = columns.subtracting(expected).sorted()
            let absent = expected.subtracting(columns).sorted()
            if !extra.isEmpty {
                problems.append("\(table.name) has unknown columns \(extra.joined(separator: ", "))")
            }
            if !absent.isEmpty {
                problems.append("\(table.name) lacks columns \(absent.joined(separator: ", "))")
            }
        }
        guard problems.isEmpty else {
            throw StoreCopyError.schemaDiffers(location: location, detail: problems.joined(separator: "; "))
        }
    }

    /// Refuses a target that holds anything beyond a fresh schema's seed rows.
    private func refuseRows(in writer: any StoreImportWriter) throws {
        for table in StoreTables.all {
            guard try writer.rows(of: table, limit: table.seedRows.count + 1) == table.seedRows else {
                throw StoreCopyError.targetNotEmpty(location: target.location, table: table.name)
            }
        }
    }

    /// Refuses a value the target could not keep exactly, or would keep as another kind.
    private func check(_ row: StoreRow, of table: StoreTable) throws {
        guard row.values.count == table.columns.count else {
            throw StoreCopyError.uncopyableValue(
                location: source.location, table: table.name, column: "*", row: table.key(of: row),
                why: "\(row.values.count) values for \(table.columns.count) columns")
        }
        for (column, value) in zip(table.columns, row.values) {
            guard let why = Self.problem(with: value, in: column.kind) else { continue }
            throw StoreCopyError.uncopyableValue(
                location: source.location, table: table.name, column: column.name, row: table.key(of: row),
                why: why)
        }
    }

    /// Why `value` cannot be copied into a column of `kind`, or nil when it can.
    static func problem(with value: StoreValue, in kind: StoreTable.Kind) -> String? {
        switch (kind, value) {
        case (_, .null), (.integer, .integer), (.blob, .blob): nil
        case (.boolean, .integer(let flag)): flag == 0 || flag == 1 ? nil : "\(flag) where a boolean belongs"
        case (.text, .text(let text)): text.utf8.contains(0) ? "a NUL byte in its text" : nil
        case (.text, .blob): "bytes that are not UTF-8 text"
        case (.integer, .text(let text)), (.boolean, .text(let text)):
            "the text \(ShownName.of(text)) where an integer belongs"
        default: "\(value) where \(kind) belongs"
        }
    }

    /// The copy's chain, read back from the committed target: it must end where the source's did.
    private func checkCopiedChain(expected: BeadChainCheckpoint) throws {
        let found: String
        do {
            let checkpoint = try target.beadCheckpoint()
            guard checkpoint != expected else { return }
            found = checkpoint.description
        } catch {
            found = "a chain that does not verify (\(Self.detail(of: error)))"
        }
        throw StoreCopyError.copyDiffers(
            location: target.location, expected: expected.description, found: found)
    }

    /// An error's message as the lower layers word it.
    private static func detail(of error: any Error) -> String {
        switch error {
        case is CancellationError: "the copy was cancelled"
        case let error as CustomStringConvertible: error.description
        default: String(describing: error)
        }
    }
}
