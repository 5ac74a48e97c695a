import Foundation

/// Splits the bytes of the stdio transport into messages, one per line, none longer than a
/// limit.
///
/// Each byte is looked at once, as it arrives (the SDK's own reader rescans its whole buffer
/// after every 4 KiB read, so a 20 MB request costs it minutes of CPU), and a line over the
/// limit is not kept: only its first and last bytes are, to find the request's id for the
/// error answer, so a client that never sends a newline costs a bounded amount of memory.
struct MessageFramer {
    enum Frame: Equatable {
        case message(Data)
        /// A line longer than the limit: its `count` bytes, with the first and last few kept.
        case oversized(count: Int, head: Data, tail: Data)
    }

    let limit: Int
    /// Bytes of an oversized line kept at each end.
    static let kept = 512

    private var line = Data()
    private var overflow: (count: Int, head: Data, tail: Data)?

    init(limit: Int) {
        self.limit = limit
    }

    /// The lines completed by `bytes`; an incomplete one waits for the next call.
    mutating func feed(_ bytes: some Collection<UInt8>) -> [Frame] {
        var frames: [Frame] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: "\n"))
            append(rest[..<(end ?? rest.endIndex)])
            guard let end else { break }
            if let frame = finishLine() { frames.append(frame) }
            rest = rest[rest.index(after: end)...]
        }
        return frames
    }

    private mutating func append(_ chunk: some Collection<UInt8>) {
        if var overflow {
            overflow.count += chunk.count
            overflow.tail.append(contentsOf: chunk.suffix(Self.kept))
            overflow.tail = overflow.tail.suffix(Self.kept)
            self.overflow = overflow
        } else if line.count + chunk.count > limit {
            line.append(contentsOf: chunk)
            overflow = (line.count, Data(line.prefix(Self.kept)), Data(line.suffix(Self.kept)))
            line = Data()
        } else {
            line.append(contentsOf: chunk)
        }
    }

    private mutating func finishLine() -> Frame? {
        defer {
            line = Data()
            overflow = nil
        }
        if let overflow { return .oversized(count: overflow.count, head: overflow.head, tail: overflow.tail) }
        // A blank line (or a stray carriage return) is not a message.
        let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
        return trimmed.isEmpty ? nil : .message(Data(trimmed))
    }
}
