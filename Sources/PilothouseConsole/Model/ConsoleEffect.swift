import Foundation
import PilothouseCore

/// What handling a key asks of the world outside the model; the app loop carries it out, tests
/// just compare the list.
public enum ConsoleEffect: Hashable, Sendable {
    case send(OperatorCommand)
    case quit
    case nextTheme
    case redraw
    /// Open this waiting patch in `$VISUAL`/`$EDITOR` (the terminal is handed over meanwhile)
    /// and send the edit back as `.editPatch` if the operator changed it.
    case editPatch(JobID, Data)
    /// Ask the engine for this job's transcript, patch and stage history (`JobDetail`) and hand
    /// the answer to `ConsoleModel.receiveJobDetail`.
    case loadJobDetail(JobID)
}
