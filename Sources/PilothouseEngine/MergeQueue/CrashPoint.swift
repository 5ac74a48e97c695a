import Foundation

/// Named places where a debug build kills itself with SIGKILL when `PILOTHOUSE_CRASH_AT` names
/// them, so an end-to-end test can crash the engine at exactly the moment it means instead of
/// at a random one (`Scripts/e2e/crash.sh`). Release builds compile the check away: the
/// variable does nothing there.
enum CrashPoint: String, Sendable {
    /// The merge queue moved the integration branch, and the store has not recorded the
    /// landing yet: git knows the jobs merged, the store still has them `merging`.
    case mergeQueueLanded = "merge-queue-landed"

    /// Dies here, at once and without cleanup, if the environment names this point.
    func reached() {
        #if DEBUG
            if Self.armed == rawValue { kill(getpid(), SIGKILL) }
        #endif
    }

    #if DEBUG
        /// Read once: the environment is never changed while the engine runs.
        private static let armed = ProcessInfo.processInfo.environment["PILOTHOUSE_CRASH_AT"]
    #endif
}
