/// Where `--metrics` listens: a host and a port, always both written out.
///
/// A bare port (`9464`, `:9464`) is refused rather than read as "every interface": metrics
/// name models, spend and budgets, and an operator who means to publish them beyond this
/// machine says so with an address (`0.0.0.0:9464`). Port 0 asks the system for a free port;
/// the server reports the one it got.
public struct MetricsAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `HOST:PORT` or `[IPv6]:PORT`.
    public init(parsing text: String) throws(MetricsAddressError) {
        guard text.utf8.count <= 256,
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            throw .malformed(text, reason: "it must be printable ASCII without spaces, at most 256 bytes")
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":")
            else {
                throw .malformed(text, reason: "an IPv6 address is written [::1]:9464")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .barePort(text) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                throw .malformed(text, reason: "write an IPv6 address in brackets, like [::1]:9464")
            }
        }
        if host.isEmpty { throw .barePort(text) }
        guard let port = Int(portText), (0...65_535).contains(port), portText.allSatisfy(\.isASCIIDigit)
        else {
            throw .malformed(text, reason: "the port must be a number from 0 to 65535")
        }
        self.init(host: String(host), port: port)
    }

    /// Only this machine can connect.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Where a scraper finds the metrics.
    public var url: String { "http://\(description)/metrics" }
}

/// Why a `--metrics` value cannot be used.
public enum MetricsAddressError: Error, Equatable, CustomStringConvertible {
    case barePort(String)
    case malformed(String, reason: String)

    public var description: String {
        switch self {
        case .barePort(let text):
            "'\(text)' has no address: give an address and a port, like 127.0.0.1:9464 (this machine only) "
                + "or 0.0.0.0:9464 (every interface)"
        case .malformed(let text, let reason):
            "'\(text)': \(reason); write it like 127.0.0.1:9464"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
