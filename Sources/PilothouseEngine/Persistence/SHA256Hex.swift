import Crypto
import Foundation

/// SHA-256 as lower-case hex: the one spelling of a content hash in the store (beads, cache
/// entries, cache keys), whatever the backend.
public enum SHA256Hex {
    public static func of(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public static func of(_ bytes: [UInt8]) -> String { of(Data(bytes)) }
}
