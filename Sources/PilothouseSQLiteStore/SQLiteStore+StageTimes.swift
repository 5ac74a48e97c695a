import Foundation
import GRDB
import PilothouseCore
import PilothouseEngine

extension SQLiteStore {

    /// Mean duration of every stage that finished, slowest first: where a job's time goes
    /// (`pilothouse bench` prints it).
    public func stageTimes() throws -> [StageTime] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, COUNT(*) AS runs, AVG(finished_at - started_at) AS mean
                    FROM stage_results WHERE status = 'finished' AND finished_at IS NOT NULL
                    GROUP BY stage ORDER BY mean DESC
                    """
            ).map { row in
                StageTime(
                    stage: StageName(row["stage"] as String), runs: row["runs"], meanMillis: row["mean"])
            }
        }
    }
}
