/// Waits until `condition` holds or `timeout` passes; returns whether it held. Tests poll
/// instead of sleeping a fixed time so that a loaded CI machine does not make them flaky.
func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}
