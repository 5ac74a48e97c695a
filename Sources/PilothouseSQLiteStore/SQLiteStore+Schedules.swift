import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {
    public func scheduleSlots() throws -> [String: Date] {
        try read { db in
            var slots: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, last_slot FROM schedules") {
                slots[row["name"]] = SQLiteStore.date(row["last_slot"])
            }
            return slots
        }
    }

    public func claimScheduleSlot(name: String, slot: Date, firing: Bool, message: String) throws -> Bool {
        let message = stored(message)
        return try write { db in
            let millis = SQLiteStore.millis(slot)
            if let last = try Int64.fetchOne(
                db, sql: "SELECT last_slot FROM schedules WHERE name = ?", arguments: [name])
            {
                guard last < millis else { return false }
                try db.execute(
                    sql: "UPDATE schedules SET last_slot = ?, fired_at = ? WHERE name = ?",
                    arguments: [millis, firing ? SQLiteStore.millis(Date()) : nil, name])
            } else {
                try db.execute(
                    sql: "INSERT INTO schedules (name, last_slot, fired_at) VALUES (?, ?, ?)",
                    arguments: [name, millis, firing ? SQLiteStore.millis(Date()) : nil])
            }
            if firing {
                try SQLiteStore.appendBead(
                    db, jobID: nil, kind: .scheduleFired, message: message,
                    metadata: ["schedule": stored(name), "slot": String(millis)])
            }
            return true
        }
    }
}
