/// Scopes a running `NcursesBackend` so the terminal is restored however the body ends.
///
/// Normal return and thrown errors go through `stop()`; signals and `exit()` are covered by the
/// `TerminalRestorer` that `start()` installs. The backend is passed in rather than returned so it
/// cannot outlive the scope.
public enum TerminalSession {
    public static func run<R>(
        options: NcursesBackend.Options = NcursesBackend.Options(), _ body: (NcursesBackend) throws -> R
    ) throws -> R {
        let backend = NcursesBackend(options: options)
        try backend.start()
        defer { backend.stop() }
        return try body(backend)
    }

    /// The async form runs the body on the caller's actor, so the backend stays on one serial
    /// executor for the whole session.
    public static func run<R>(
        options: NcursesBackend.Options = NcursesBackend.Options(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (NcursesBackend) async throws -> R
    ) async throws -> R {
        let backend = NcursesBackend(options: options)
        try backend.start()
        defer { backend.stop() }
        return try await body(backend)
    }
}
