import Foundation

/// A commitment to a bead chain's history: its length and the hash of its newest bead.
///
/// The chain's head row lives in the same file as the beads, so someone who can edit the
/// file can cut the newest beads and rewrite the head to match. A checkpoint kept elsewhere
/// (a ticket, a commit message) closes that gap, as in transparency logs: a later chain
/// must still contain bead `length` with exactly this `hash`, and every bead is linked to
/// the one before it, so nothing up to the checkpoint can have changed.
public struct BeadChainCheckpoint: Sendable, Equatable, CustomStringConvertible {
    public var length: Int64
    public var hash: String

    public init(length: Int64, hash: String) {
        self.length = length
        self.hash = hash
    }

    /// Reads `N:HASH` as `beads checkpoint` prints it (a full 64-digit hex SHA-256).
    public init(parsing text: String) throws(BeadChainCheckpointError) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .malformed(text) }
        guard let length = Int64(parts[0]), length >= 0 else { throw .malformed(text) }
        let hash = parts[1].lowercased()
        guard hash.count == 64, hash.allSatisfy(\.isHexDigit) else { throw .malformed(text) }
        self.init(length: length, hash: hash)
    }

    /// `N:HASH`, the form `beads verify --checkpoint` reads back.
    public var description: String { "\(length):\(hash)" }
}

/// Why a checkpoint given on the command line cannot be used.
public enum BeadChainCheckpointError: Error, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let text):
            "\(String(text.prefix(100)).debugDescription) is not a checkpoint; give it as `pilothouse beads checkpoint` printed it, LENGTH:HASH with the full 64-digit hash"
        }
    }
}
