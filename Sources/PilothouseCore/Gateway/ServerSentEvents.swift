/// A server-sent events parser (the WHATWG `text/event-stream` format), fed bytes as they
/// arrive: both OpenAI's and Anthropic's streaming APIs speak it.
///
/// Lines end with LF, CRLF or CR; an empty line ends an event; `data:` lines are joined with
/// LF; `event:` names the event; lines starting with `:` are comments (keep-alives). A field
/// name without a colon has an empty value. An event cut before its empty line is never
/// emitted, so a truncated stream cannot yield half an event.
public struct ServerSentEvents: Sendable {
    public struct Event: Sendable, Hashable {
        public var name: String
        public var data: String
        public init(name: String = "message", data: String) {
            self.name = name
            self.data = data
        }
    }

    /// Refuses a single line longer than this: no real event is that large, and an endless
    /// line would otherwise grow the buffer without bound.
    public static let maxLineBytes = 4 * 1024 * 1024

    /// Refuses an event whose data lines add up to more than this (an endless event).
    public static let maxEventBytes = 16 * 1024 * 1024

    public enum Failure: Error, Sendable, Hashable { case lineTooLong, eventTooLarge }

    private var line: [UInt8] = []
    private var lastWasCR = false
    private var name = ""
    private var data: [String] = []
    private var hasData = false
    private var eventBytes = 0

    public init() {}

    /// Adds bytes; returns the events they completed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(Failure) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if lastWasCR {
                lastWasCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                lastWasCR = byte == UInt8(ascii: "\r")
                if let event = try endLine() { events.append(event) }
            default:
                guard line.count < Self.maxLineBytes else { throw .lineTooLong }
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() throws(Failure) -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else {
            defer {
                name = ""
                data = []
                hasData = false
                eventBytes = 0
            }
            guard hasData else { return nil }
            return Event(name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n"))
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data":
            eventBytes += value.utf8.count + 1
            guard eventBytes <= Self.maxEventBytes else { throw .eventTooLarge }
            data.append(String(value))
            hasData = true
        case "event": name = String(value)
        default: break
        }
        return nil
    }
}
