/// Why the console has no `JobDetail` to show: the engine's request failed (a store read
/// error), or this console was started without a way to ask.
public struct JobDetailFailure: Error, Hashable, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    static let unavailable = JobDetailFailure(
        "this console cannot ask the engine for transcripts (no job detail source)")
}
