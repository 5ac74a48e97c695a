import Testing

@testable import PilothouseCore

/// A stand-in hash (FNV-1a, hex) so the verifier is tested without swift-crypto.
private func fnv(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16)
}

private func chain(_ count: Int) -> [Bead] {
    var beads: [Bead] = []
    var previous = Bead.genesisHash
    for index in 1...count {
        var bead = Bead(
            seq: Int64(index), jobID: nil, kind: .jobCreated, message: "bead \(index)",
            metadata: ["n": String(index)], createdAtMillis: Int64(index) * 1000, prevHash: previous)
        bead.hash = fnv(bead.canonicalEncoding())
        previous = bead.hash
        beads.append(bead)
    }
    return beads
}

@Suite struct BeadChainVerifierTests {
    let verifier = BeadChainVerifier(hash: fnv)

    @Test func intactChainIsOK() {
        let beads = chain(5)
        #expect(verifier.verify(beads, head: .init(count: 5, lastHash: beads[4].hash)) == .ok(count: 5))
        #expect(verifier.verify([], head: .init(count: 0, lastHash: Bead.genesisHash)) == .ok(count: 0))
    }

    @Test func editedFieldIsNamed() {
        var beads = chain(5)
        beads[2].message = "forged"
        guard case .broken(let problem) = verifier.verify(beads, head: nil) else {
            Issue.record("not detected"); return
        }
        #expect(problem.seq == 3)
        #expect(problem.problem == .edited)
    }

    @Test func editedMetadataIsDetected() {
        var beads = chain(3)
        beads[1].metadata["n"] = "99"
        guard case .broken(let problem) = verifier.verify(beads, head: nil) else {
            Issue.record("not detected"); return
        }
        #expect(problem == BeadChainBreak(seq: 2, problem: .edited, detail: problem.detail))
    }

    @Test func deletionIsNamed() {
        var beads = chain(5)
        beads.remove(at: 2)
        guard case .broken(let problem) = verifier.verify(beads, head: nil) else {
            Issue.record("not detected"); return
        }
        #expect(problem.seq == 4)
        #expect(problem.problem == .deleted)
    }

    @Test func truncationIsCaughtByTheHead() {
        let full = chain(5)
        let beads = Array(full.prefix(4))
        let report = verifier.verify(beads, head: .init(count: 5, lastHash: full[4].hash))
        guard case .broken(let problem) = report else { Issue.record("not detected"); return }
        #expect(problem.problem == .deleted)
    }

    @Test func swapIsReordering() {
        var beads = chain(5)
        beads.swapAt(1, 2)
        guard case .broken(let problem) = verifier.verify(beads, head: nil) else {
            Issue.record("not detected"); return
        }
        #expect(problem.problem == .reordered)
    }

    @Test func insertionIsNamed() {
        var beads = chain(4)
        var forged = Bead(
            seq: 3, jobID: nil, kind: .jobCreated, message: "forged", createdAtMillis: 1,
            prevHash: beads[1].hash)
        forged.hash = fnv(forged.canonicalEncoding())
        beads.insert(forged, at: 2)
        // Renumber as an attacker would, keeping seq gapless.
        for index in beads.indices { beads[index].seq = Int64(index + 1) }
        guard case .broken(let problem) = verifier.verify(beads, head: nil) else {
            Issue.record("not detected"); return
        }
        #expect(problem.problem == .inserted)
        #expect(problem.seq == 4)
    }

    @Test func appendedBeadWithoutHeadUpdateIsInserted() {
        let beads = chain(4)
        let report = verifier.verify(beads, head: .init(count: 3, lastHash: beads[2].hash))
        guard case .broken(let problem) = report else { Issue.record("not detected"); return }
        #expect(problem.problem == .inserted)
    }

    @Test func encodingSeparatesFields() {
        // Length prefixes mean moving text between fields changes the encoding.
        let a = Bead(seq: 1, jobID: nil, kind: "ab", message: "c", createdAtMillis: 0, prevHash: "")
        let b = Bead(seq: 1, jobID: nil, kind: "a", message: "bc", createdAtMillis: 0, prevHash: "")
        #expect(a.canonicalEncoding() != b.canonicalEncoding())
    }
}
