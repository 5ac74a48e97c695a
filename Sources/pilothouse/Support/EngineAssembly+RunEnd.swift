import PilothouseEngine
import PilothouseSQLiteStore

extension EngineAssembly {
    /// Records how the run ended. A failure is said on stderr rather than swallowed: the run's
    /// row is part of the record (`pilothouse status` shows it), and the operator should know
    /// it is missing and why (most often a full disk).
    func recordRunEnd(exitCode: Int32) {
        do {
            try store.endRun(runID, exitCode: exitCode)
        } catch {
            printError(
                "pilothouse: could not record the end of run \(runID.short) (exit \(exitCode)): \(error)")
        }
    }
}
