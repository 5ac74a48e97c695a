import Foundation
import Synchronization
import Testing

/// Reads a stream in the background and keeps what it delivered, so a test can wait for an
/// element with a time limit (`eventually`) instead of blocking on the stream for ever.
final class StreamRecorder<Element: Sendable>: Sendable {
    /// What the reader delivered; a class of its own, so the reading task need not hold the
    /// recorder (whose `deinit` stops it).
    private final class Seen: Sendable {
        let elements = Mutex<[Element]>([])
    }

    private let seen = Seen()
    private let reader: Task<Void, Never>

    init(_ stream: AsyncStream<Element>) {
        let seen = self.seen
        reader = Task { for await element in stream { seen.elements.withLock { $0.append(element) } } }
    }

    deinit { reader.cancel() }

    /// Everything delivered so far, in order.
    var elements: [Element] { seen.elements.withLock { $0 } }

    /// How many delivered elements match.
    func count(where match: (Element) -> Bool) -> Int { elements.filter(match).count }

    /// Waits (at most `timeout`, then records an issue) until `count` delivered elements match.
    @discardableResult
    func eventually(
        _ what: Comment, count: Int = 1, timeout: Duration = .seconds(30),
        sourceLocation: SourceLocation = #_sourceLocation, _ match: @escaping (Element) -> Bool
    ) async -> Bool {
        await PilothouseEngineTests.eventually(what, timeout: timeout, sourceLocation: sourceLocation) {
            self.count(where: match) >= count
        }
    }
}
