import Foundation
import PilothouseCore
import PilothouseEngine

extension PostgresStore {
    public func scheduleSlots() throws -> [String: Date] {
        try read { tx in
            var slots: [String: Date] = [:]
            for row in try tx.rows("SELECT name, last_slot FROM schedules") {
                slots[try row("name", as: String.self)] = PostgresStore.date(try row("last_slot"))
            }
            return slots
        }
    }

    public func claimScheduleSlot(name: String, slot: Date, firing: Bool, message: String) throws -> Bool {
        let message = stored(message)
        return try write { tx in
            let millis = PostgresStore.millis(slot)
            let fired: Int64? = firing ? PostgresStore.millis(Date()) : nil
            // One statement decides: a new schedule's row, or a later slot than the one recorded.
            let won = try tx.changes(
                """
                INSERT INTO schedules (name, last_slot, fired_at) VALUES ($1, $2, $3)
                ON CONFLICT (name) DO UPDATE SET last_slot = EXCLUDED.last_slot, fired_at = EXCLUDED.fired_at
                WHERE schedules.last_slot < EXCLUDED.last_slot
                """,
                [name, millis, fired])
            guard won > 0 else { return false }
            if firing {
                try PostgresStore.appendBead(
                    tx, jobID: nil, kind: .scheduleFired, message: message,
                    metadata: ["schedule": stored(name), "slot": String(millis)])
            }
            return true
        }
    }
}
