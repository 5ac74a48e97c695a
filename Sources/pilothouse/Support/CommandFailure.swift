import Foundation
import PilothouseConsole
import PilothouseCore
import PilothouseEngine
import PilothouseSQLiteStore

/// A failure reported as `error: <message>` with an exit code.
///
/// Exit codes: 1 the work failed (e.g. a broken bead chain), 2 usage, configuration or
/// store problems the operator must fix first.
struct CommandFailure: Error {
    var message: String
    var code: Int32

    init(_ message: String, code: Int32 = 2) {
        self.message = message
        self.code = code
    }

    /// The one-line message for errors of the lower layers, which already say what to do.
    static func describe(_ error: any Error) -> String? {
        switch error {
        case let error as StoreError: error.description
        case let error as OperationRefusal: error.description
        case let error as ConfigError: error.description
        case let error as GitError: error.description
        case let error as JobStateError: error.description
        case let error as HunkSelectionError: error.description
        case let error as BeadChainCheckpointError: error.description
        case let error as GatewayConfigurationError: error.description
        case let error as ModelClientError: error.description
        case let error as PipelineError: "pipeline: \(error.description)"
        case let error as TerminalError: "\(error)"
        case let error as KeymapError: "[keys]: \(error)"
        case let error as ThemeError: "theme: \(error)"
        default: nil
        }
    }

    static func code(for error: any Error) -> Int32 {
        switch error {
        case is JobStateError: 1
        case let refusal as OperationRefusal: refusal.kind == .notApplicable ? 1 : 2
        default: 2
        }
    }
}
