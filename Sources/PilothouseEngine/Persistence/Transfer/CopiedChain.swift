import Foundation
import PilothouseCore

/// The bead chain as a copy streams it, checked bead by bead: each must follow the one before,
/// link to its hash and match its own, and the head row must name the last one. The copy reads
/// one snapshot; this proves that snapshot's chain is whole, which a `verifyBeads` taken before
/// it cannot (an engine could have written in between), and it needs no more memory than one
/// batch.
struct CopiedChain {
    /// Where the beads come from, for messages.
    let location: String
    private(set) var count: Int64 = 0
    private(set) var lastHash = Bead.genesisHash
    private var headSeen = false

    init(location: String) {
        self.location = location
    }

    /// What the copied chain ends at: the target must verify to this.
    var checkpoint: BeadChainCheckpoint { BeadChainCheckpoint(length: count, hash: lastHash) }

    /// Checks the next bead, a row of `beads`.
    mutating func follow(_ row: StoreRow, of table: StoreTable) throws {
        let bead = Self.bead(row, of: table)
        let problem: (BeadChainBreak.Problem, String)? =
            if bead.seq != count + 1 {
                (.reordered, "sequence number \(bead.seq) follows \(count)")
            } else if bead.prevHash != lastHash {
                (.deleted, "it does not link to the bead before it")
            } else if bead.encodingVersion != Bead.currentEncodingVersion {
                (.unknownEncoding, "encoding version \(bead.encodingVersion) is not known to this Pilothouse")
            } else if BeadHasher.hash(bead.canonicalEncoding()) != bead.hash {
                (.edited, "its content no longer matches its hash")
            } else {
                nil
            }
        if case let (kind, detail)? = problem {
            throw StoreCopyError.sourceChainBroken(
                location: location, BeadChainBreak(seq: bead.seq, problem: kind, detail: detail))
        }
        count = bead.seq
        lastHash = bead.hash
    }

    /// Checks the head row (`bead_head`) against the beads followed so far.
    mutating func head(_ row: StoreRow, of table: StoreTable) throws {
        headSeen = true
        let recorded = table.value("count", in: row).integer
        guard recorded == count, table.value("last_hash", in: row).text == lastHash else {
            throw StoreCopyError.sourceChainBroken(
                location: location,
                BeadChainBreak(
                    seq: count + 1, problem: (recorded ?? 0) > count ? .deleted : .edited,
                    detail:
                        "the chain head records \(recorded.map(String.init) ?? "no") beads ending at \(ShownName.of((table.value("last_hash", in: row).text ?? "").prefix(8)))…, but the beads end at \(count) (\(lastHash.prefix(8))…)"
                ))
        }
    }

    /// After the last table: a chain whose head row was missing is not whole.
    func finish() throws {
        guard headSeen else {
            throw StoreCopyError.sourceChainBroken(
                location: location,
                BeadChainBreak(seq: count + 1, problem: .missingHead, detail: "the chain head row is missing")
            )
        }
    }

    /// A row of `beads` as the bead it stores, decoded as the stores decode it for `verify`.
    static func bead(_ row: StoreRow, of table: StoreTable) -> Bead {
        let text = { (column: String) in table.value(column, in: row).text }
        let integer = { (column: String) in table.value(column, in: row).integer }
        return Bead(
            seq: integer("seq") ?? 0, jobID: text("job_id").flatMap(JobID.init),
            kind: BeadKind(rawValue: text("kind") ?? ""), stage: text("stage").map { StageName($0) },
            message: text("message") ?? "", metadata: StoreEncoding.decodeMetadata(text("metadata")),
            createdAtMillis: integer("created_at") ?? 0, prevHash: text("prev_hash") ?? "",
            hash: text("hash") ?? "", encodingVersion: Int(integer("encoding_version") ?? 0))
    }
}
