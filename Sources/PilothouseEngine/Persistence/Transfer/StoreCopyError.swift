import Foundation
import PilothouseCore

/// Why `pilothouse store copy` refused or stopped, in words an operator can act on. Every case
/// but `copyDiffers` means nothing was written to the target.
public enum StoreCopyError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The source and the target are the same store.
    case sameStore(location: String)
    /// An engine on the source is alive: its writes would go on after the snapshot.
    case engineRunning(location: String, owner: String, host: String, pid: Int32, heartbeatSecondsAgo: Int)
    /// A job on the source is leased until a time still to come: an engine holds it.
    case leaseHeld(location: String, job: String, owner: String)
    /// The source's bead chain does not verify (before the copy, or changed during it).
    case sourceChainBroken(location: String, BeadChainBreak)
    /// The target holds rows already.
    case targetNotEmpty(location: String, table: String)
    /// A table or column differs between the database and what this Pilothouse copies.
    case schemaDiffers(location: String, detail: String)
    /// A value no backend's store writes (NUL in text, bytes that are not UTF-8, text where
    /// an integer belongs): the row was edited outside Pilothouse.
    case uncopyableValue(location: String, table: String, column: String, row: String, why: String)
    /// Writing into the target failed (a constraint, the connection, a cancelled task): the
    /// transaction was rolled back.
    case interrupted(location: String, table: String, detail: String)
    /// The copy committed, but its chain does not end where the source's did.
    case copyDiffers(location: String, expected: String, found: String)

    public var description: String {
        let nothing = "nothing was copied"
        switch self {
        case .sameStore(let location):
            return
                "\(location) is both the source and the target; \(nothing). Copy into another database or file"
        case .engineRunning(let location, let owner, let host, let pid, let ago):
            return
                "engine \(ShownName.of(owner)) (host \(ShownName.of(host)), pid \(pid)) works on \(location): its heartbeat is \(ago) s old; \(nothing). Stop every engine on it (`pilothouse engines` lists them) and copy again"
        case .leaseHeld(let location, let job, let owner):
            return
                "job \(job) in \(location) is leased by \(ShownName.of(owner)), whose lease has not expired; \(nothing). Stop that engine (or wait for its lease to lapse) and copy again"
        case .sourceChainBroken(let location, let problem):
            return
                "the bead chain of \(location) does not verify: bead \(problem.seq): \(problem.problem.rawValue) — \(problem.detail); \(nothing). `pilothouse beads verify` shows it; restore the store from a backup first"
        case .targetNotEmpty(let location, let table):
            return
                "\(location) already holds data (table \(table) has rows); \(nothing). Copy into an empty database (CREATE DATABASE) or a new SQLite file"
        case .schemaDiffers(let location, let detail):
            return
                "the schema of \(location) is not the one this Pilothouse copies (\(detail)); \(nothing). Open both stores with the same Pilothouse version and copy again"
        case .uncopyableValue(let location, let table, let column, let row, let why):
            return
                "\(location): \(table).\(column) of the row \(row) holds \(why), which Pilothouse never writes: the row was edited outside Pilothouse; \(nothing). Fix or remove that row and copy again"
        case .interrupted(let location, let table, let detail):
            return
                "copying table \(table) into \(location) failed: \(detail); the target was rolled back, \(nothing)"
        case .copyDiffers(let location, let expected, let found):
            return
                "the copy in \(location) was written, but its bead chain ends at \(found) instead of \(expected) as in the source; do not use it: drop it and copy again"
        }
    }
}
