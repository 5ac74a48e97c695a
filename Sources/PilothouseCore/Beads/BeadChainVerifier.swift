/// Checks a bead chain and explains the first break in words an operator can act on.
///
/// The verifier is pure: the caller supplies the beads in stored order and the hash
/// function (the store uses SHA-256 from swift-crypto), so it is testable without a database.
public struct BeadChainVerifier: Sendable {
    public typealias HashFunction = @Sendable ([UInt8]) -> String

    private let hash: HashFunction

    public init(hash: @escaping HashFunction) { self.hash = hash }

    /// The stored head of the chain (count and last hash), kept beside the beads so that
    /// removing the newest beads is noticed too.
    public struct Head: Sendable, Equatable {
        public var count: Int64
        public var lastHash: String
        public init(count: Int64, lastHash: String) {
            self.count = count
            self.lastHash = lastHash
        }
    }

    /// Verifies `beads` (in stored order) against the stored `head`, and optionally against a
    /// `checkpoint` kept outside the database.
    ///
    /// A missing head (`nil`) is a break, not a pass: without it, deleting the newest beads
    /// together with the head row would leave a shorter chain that looks whole.
    public func verify(_ beads: [Bead], head: Head?, checkpoint: BeadChainCheckpoint? = nil)
        -> BeadChainReport
    {
        var hashes: [String: Int] = [:]
        for (index, bead) in beads.enumerated() where hashes[bead.hash] == nil {
            hashes[bead.hash] = index
        }
        var previousHash = Bead.genesisHash
        var previousSeq: Int64 = 0
        for (index, bead) in beads.enumerated() {
            if bead.encodingVersion != Bead.currentEncodingVersion {
                return .broken(
                    BeadChainBreak(
                        seq: bead.seq, problem: .unknownEncoding,
                        detail: "encoding version \(bead.encodingVersion) is not known to this Pilothouse"))
            }
            if bead.prevHash != previousHash {
                return .broken(
                    classifyLinkBreak(
                        bead, at: index, expected: previousHash, previousSeq: previousSeq, hashes: hashes))
            }
            if hash(bead.canonicalEncoding()) != bead.hash {
                return .broken(
                    BeadChainBreak(
                        seq: bead.seq, problem: .edited,
                        detail: "its content no longer matches its hash \(ShownName.of(bead.shortHash))"))
            }
            if bead.seq != previousSeq + 1 {
                return .broken(
                    BeadChainBreak(
                        seq: bead.seq, problem: .reordered,
                        detail: "sequence number \(bead.seq) follows \(previousSeq); it was renumbered"))
            }
            previousHash = bead.hash
            previousSeq = bead.seq
        }
        guard let head else {
            return .broken(
                BeadChainBreak(
                    seq: previousSeq + 1, problem: .missingHead,
                    detail:
                        "the chain head row is missing, so removed newest beads cannot be ruled out; restore the database from a backup"
                ))
        }
        if head.count > Int64(beads.count) {
            return .broken(
                BeadChainBreak(
                    seq: previousSeq + 1, problem: .deleted,
                    detail:
                        "the chain head records \(head.count) beads but only \(beads.count) remain; the newest were removed"
                ))
        }
        if head.count < Int64(beads.count) {
            let extra = beads[Int(head.count)]
            return .broken(
                BeadChainBreak(
                    seq: extra.seq, problem: .inserted,
                    detail:
                        "the chain head records \(head.count) beads but there are \(beads.count); beads were added outside Pilothouse"
                ))
        }
        if head.lastHash != previousHash {
            return .broken(
                BeadChainBreak(
                    seq: previousSeq, problem: .edited,
                    detail: "the chain head's last hash does not match the newest bead"))
        }
        if let checkpoint, let problem = Self.check(beads, extends: checkpoint) {
            return .broken(problem)
        }
        return .ok(count: beads.count)
    }

    /// Whether a verified chain still contains the checkpoint's bead unchanged. Every link was
    /// checked already, so the checkpoint's bead being intact proves all before it are too.
    private static func check(_ beads: [Bead], extends checkpoint: BeadChainCheckpoint) -> BeadChainBreak? {
        let short = checkpoint.hash.prefix(8)
        guard checkpoint.length <= Int64(beads.count) else {
            return BeadChainBreak(
                seq: Int64(beads.count) + 1, problem: .rewritten,
                detail:
                    "the chain has \(beads.count) beads, fewer than checkpoint \(checkpoint.length):\(short)… recorded; beads were removed and the head rewritten"
            )
        }
        let hash = checkpoint.length == 0 ? Bead.genesisHash : beads[Int(checkpoint.length) - 1].hash
        guard hash == checkpoint.hash.lowercased() else {
            return BeadChainBreak(
                seq: checkpoint.length, problem: .rewritten,
                detail:
                    "bead \(checkpoint.length) now has hash \(ShownName.of(hash.prefix(8)))…, not \(short)… as checkpointed; the history up to the checkpoint was rewritten"
            )
        }
        return nil
    }

    private func classifyLinkBreak(
        _ bead: Bead, at index: Int, expected: String, previousSeq: Int64, hashes: [String: Int]
    ) -> BeadChainBreak {
        if let target = hashes[bead.prevHash] {
            if target > index {
                return BeadChainBreak(
                    seq: bead.seq, problem: .reordered,
                    detail: "it links to a bead stored after it; beads were swapped or moved")
            }
            if target < index - 1 {
                return BeadChainBreak(
                    seq: bead.seq, problem: .inserted,
                    detail: "it links past the bead stored before it (seq \(previousSeq)), which was inserted"
                )
            }
        }
        if bead.seq > previousSeq + 1 {
            let missing = bead.seq - previousSeq - 1
            return BeadChainBreak(
                seq: bead.seq, problem: .deleted,
                detail:
                    "\(missing) bead\(missing == 1 ? " was" : "s were") deleted before it (seq \(previousSeq + 1)\(missing > 1 ? "–\(bead.seq - 1)" : ""))"
            )
        }
        if hash(bead.canonicalEncoding()) != bead.hash {
            return BeadChainBreak(
                seq: bead.seq, problem: .edited,
                detail: "its link to the previous bead was changed")
        }
        return BeadChainBreak(
            seq: bead.seq, problem: .deleted,
            detail: "the bead it links to (\(ShownName.of(bead.prevHash.prefix(8)))) is gone")
    }
}

/// The outcome of a chain verification.
public enum BeadChainReport: Sendable, Equatable {
    case ok(count: Int)
    case broken(BeadChainBreak)
}

/// The first place a chain stops being valid.
public struct BeadChainBreak: Sendable, Equatable, CustomStringConvertible {
    public enum Problem: String, Sendable {
        case edited, deleted, reordered, inserted
        case unknownEncoding = "unknown_encoding"
        /// The head row that records the chain's length is gone.
        case missingHead = "missing_head"
        /// The chain no longer extends a checkpoint taken earlier.
        case rewritten
    }

    public var seq: Int64
    public var problem: Problem
    public var detail: String

    public init(seq: Int64, problem: Problem, detail: String) {
        self.seq = seq
        self.problem = problem
        self.detail = detail
    }

    public var description: String { "bead \(seq): \(problem.rawValue) — \(detail)" }
}
