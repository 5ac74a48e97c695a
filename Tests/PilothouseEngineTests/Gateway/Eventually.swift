import Testing

/// Waits until `condition` holds, polling every 5 ms, and returns whether it did. Tests wait for
/// a condition instead of sleeping a fixed time, so a loaded CI machine does not make them flaky.
///
/// A wait that runs out is a failure, never a silent fall-through: it records an issue at the
/// caller's line naming what did not happen. Callers that cannot go on without the condition
/// write `try #require(await eventually(...))`.
@discardableResult
func eventually(
    _ what: Comment, timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        do { try await Task.sleep(for: .milliseconds(5)) } catch { break }
    }
    if try await condition() { return true }
    Issue.record("timed out after \(timeout) waiting for \(what)", sourceLocation: sourceLocation)
    return false
}
