import PilothouseCore

/// What handling a key asks of the world outside the model; the app loop carries it out, tests
/// just compare the list.
public enum ConsoleEffect: Hashable, Sendable {
    case send(OperatorCommand)
    case quit
    case nextTheme
    case redraw
}
