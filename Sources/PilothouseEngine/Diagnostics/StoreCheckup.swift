import Foundation
import PilothouseCore

/// The checks `pilothouse doctor` makes of an open store, the same for every backend: the
/// backend's own consistency check, the bead chain, the engines on record and the leases
/// they hold. What only one backend has (SQLite's file, PostgreSQL's server and schema) is
/// checked before the store is opened, by the command.
public enum StoreCheckup {
    /// The findings for `store` at `now`; a check that cannot read is a `fail` with the
    /// store's own message, never a skipped line.
    public static func findings(_ store: any PilothouseStore, now: Date = Date()) -> [DoctorFinding] {
        [database(store), engines(store, now: now), leases(store, now: now)]
    }

    /// Integrity, then the chain: a chain is not worth verifying in a damaged store.
    static func database(_ store: any PilothouseStore) -> DoctorFinding {
        do {
            let integrity = try store.integrityCheck()
            guard integrity == "ok" else {
                return DoctorFinding(
                    level: .fail, subject: "database", detail: "integrity check: \(integrity)")
            }
            switch try store.verifyBeads() {
            case .ok(let count):
                return DoctorFinding(
                    level: .ok, subject: "database",
                    detail: "integrity ok, \(count) beads verified in \(store.location)")
            case .broken(let problem):
                return DoctorFinding(
                    level: .fail, subject: "database",
                    detail:
                        "bead chain broken at \(problem); `pilothouse beads verify` shows it, and a backup restores it"
                )
            }
        } catch {
            return DoctorFinding(level: .fail, subject: "database", detail: "\(error)")
        }
    }

    /// Engines on record: a lost one (silent for longer than its lease) is worth a look,
    /// since its jobs wait until another engine reclaims them.
    static func engines(_ store: any PilothouseStore, now: Date) -> DoctorFinding {
        do {
            let engines = try store.engines()
            let lost = engines.filter { $0.isLost(at: now) }
            guard !lost.isEmpty else {
                return DoctorFinding(
                    level: .ok, subject: "engines",
                    detail: engines.isEmpty ? "none running" : "\(engines.count) alive")
            }
            let names = lost.map { engine in
                "\(engine.owner) (\(engine.host) pid \(engine.pid), silent \(Int(now.timeIntervalSince(engine.heartbeatAt))) s, \(engine.jobsHeld) job\(engine.jobsHeld == 1 ? "" : "s") held)"
            }
            return DoctorFinding(
                level: .warn, subject: "engines",
                detail:
                    "\(lost.count) of \(engines.count) lost: \(names.joined(separator: ", ")); their jobs return to the queue when a running engine (`pilothouse engine` or `run`) reclaims their expired leases"
            )
        } catch {
            return DoctorFinding(level: .fail, subject: "engines", detail: "\(error)")
        }
    }

    /// Jobs still marked running or merging under a lease that has expired: work nobody
    /// is doing until an engine takes it back.
    static func leases(_ store: any PilothouseStore, now: Date) -> DoctorFinding {
        do {
            // No engine is named "": every held job is listed.
            let held = try store.jobsHeld(notBy: "")
            let expired = held.filter { ($0.expiresAt ?? .distantFuture) < now }
            guard !expired.isEmpty else {
                return DoctorFinding(
                    level: .ok, subject: "leases",
                    detail: held.isEmpty
                        ? "no job held" : "\(held.count) job\(held.count == 1 ? "" : "s") held, none expired")
            }
            let owners = Set(expired.map(\.owner)).sorted().joined(separator: ", ")
            return DoctorFinding(
                level: .warn, subject: "leases",
                detail:
                    "\(expired.count) job\(expired.count == 1 ? "" : "s") held under an expired lease (\(owners)); a running engine reclaims them within half a lease, or the next one started at once (with an attempt used)"
            )
        } catch {
            return DoctorFinding(level: .fail, subject: "leases", detail: "\(error)")
        }
    }
}
