/// Failures below HTTP, in a form providers can throw without tying Core to a networking
/// library: the classifier maps these, `URLError` and POSIX errors alike.
public enum TransportFailure: Error, Sendable, Hashable {
    case timedOut
    case connectionReset
    case connectionRefused
    case connectionLost
    case hostNotFound
    case tlsFailure
    case cancelled
    /// A response arrived but could not be read (truncated body, bad JSON framing).
    case malformedResponse
}
