import Foundation

/// One audit record of something that happened, chained to the one before by hash.
///
/// `hash` is SHA-256 over `canonicalEncoding()`, which includes `prevHash`, so changing,
/// removing or reordering any bead breaks every link after it.
public struct Bead: Hashable, Codable, Sendable {
    /// Position in the chain, 1-based and gapless.
    public var seq: Int64
    public var jobID: JobID?
    public var kind: BeadKind
    public var stage: StageName?
    public var message: String
    /// Small structured facts (ids, counts, reasons). Ordered by key when hashed.
    public var metadata: [String: String]
    /// Milliseconds since 1970; whole milliseconds so the encoding is exact.
    public var createdAtMillis: Int64
    public var prevHash: String
    public var hash: String
    /// Version of the canonical encoding that produced `hash`.
    public var encodingVersion: Int

    public static let currentEncodingVersion = 1
    /// `prevHash` of the first bead.
    public static let genesisHash = String(repeating: "0", count: 64)

    public init(
        seq: Int64, jobID: JobID?, kind: BeadKind, stage: StageName? = nil, message: String,
        metadata: [String: String] = [:], createdAtMillis: Int64, prevHash: String, hash: String = "",
        encodingVersion: Int = Bead.currentEncodingVersion
    ) {
        self.seq = seq
        self.jobID = jobID
        self.kind = kind
        self.stage = stage
        self.message = message
        self.metadata = metadata
        self.createdAtMillis = createdAtMillis
        self.prevHash = prevHash
        self.hash = hash
        self.encodingVersion = encodingVersion
    }

    public var createdAt: Date { Date(timeIntervalSince1970: Double(createdAtMillis) / 1000) }
    public var shortHash: String { String(hash.prefix(8)) }

    /// The bytes that are hashed: a version tag, then every field length-prefixed so that no
    /// two different beads share an encoding. `seq` is left out on purpose: the chain's order
    /// is carried by `prevHash`, which lets `verify` tell a reordering from an edit.
    public func canonicalEncoding() -> [UInt8] {
        var bytes: [UInt8] = Array("pilothouse.bead.v\(encodingVersion)\n".utf8)
        func field(_ text: String) {
            let utf8 = Array(text.utf8)
            let count = UInt32(utf8.count)
            bytes.append(contentsOf: [
                UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF),
                UInt8(count & 0xFF),
            ])
            bytes.append(contentsOf: utf8)
        }
        field(jobID?.rawValue ?? "")
        field(kind.rawValue)
        field(stage?.rawValue ?? "")
        field(message)
        let keys = metadata.keys.sorted()
        field(String(keys.count))
        for key in keys {
            field(key)
            field(metadata[key] ?? "")
        }
        field(String(createdAtMillis))
        field(prevHash)
        return bytes
    }
}
