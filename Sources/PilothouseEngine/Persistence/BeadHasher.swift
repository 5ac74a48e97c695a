import PilothouseCore

/// SHA-256 of a bead's canonical encoding, as lowercase hex.
public enum BeadHasher {
    public static func hash(_ bytes: [UInt8]) -> String { SHA256Hex.of(bytes) }

    /// Seals a bead: fills in its hash from its fields and `prevHash`.
    public static func seal(_ bead: Bead) -> Bead {
        var sealed = bead
        sealed.hash = hash(bead.canonicalEncoding())
        return sealed
    }

    public static let verifier = BeadChainVerifier(hash: { hash($0) })
}
