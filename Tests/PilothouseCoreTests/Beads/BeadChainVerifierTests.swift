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

    @Test func missingHeadIsABreakEvenForAnEmptyChain() {
        let beads = chain(5)
        for kept in [beads, Array(beads.prefix(3)), []] {
            guard case .broken(let problem) = verifier.verify(kept, head: nil) else {
                Issue.record("a chain of \(kept.count) without its head passed"); continue
            }
            #expect(problem.problem == .missingHead)
            #expect(problem.seq == Int64(kept.count) + 1)
        }
    }

    @Test func aLongerChainExtendsItsCheckpoint() {
        let beads = chain(6)
        let head = BeadChainVerifier.Head(count: 6, lastHash: beads[5].hash)
        for length in [0, 1, 4, 6] {
            let hash = length == 0 ? Bead.genesisHash : beads[length - 1].hash
            let checkpoint = BeadChainCheckpoint(length: Int64(length), hash: hash)
            #expect(verifier.verify(beads, head: head, checkpoint: checkpoint) == .ok(count: 6))
        }
    }

    @Test func truncationWithARewrittenHeadIsCaughtByTheCheckpoint() {
        let full = chain(6)
        let checkpoint = BeadChainCheckpoint(length: 6, hash: full[5].hash)
        let cut = Array(full.prefix(4))
        let rewrittenHead = BeadChainVerifier.Head(count: 4, lastHash: cut[3].hash)
        #expect(verifier.verify(cut, head: rewrittenHead) == .ok(count: 4))
        guard case .broken(let problem) = verifier.verify(cut, head: rewrittenHead, checkpoint: checkpoint)
        else { Issue.record("truncation not detected"); return }
        #expect(problem.problem == .rewritten)
        #expect(problem.seq == 5)
        #expect(problem.detail.contains("4 beads, fewer than checkpoint 6"))
    }

    @Test func aRewrittenHistoryNoLongerExtendsTheCheckpoint() {
        let original = chain(5)
        let checkpoint = BeadChainCheckpoint(length: 3, hash: original[2].hash)
        // A whole new, internally valid chain: every link and hash checks out.
        var forged = chain(5)
        forged[1].message = "rewritten"
        for index in 1..<forged.count {
            if index > 1 { forged[index].prevHash = forged[index - 1].hash }
            forged[index].hash = fnv(forged[index].canonicalEncoding())
        }
        let head = BeadChainVerifier.Head(count: 5, lastHash: forged[4].hash)
        #expect(verifier.verify(forged, head: head) == .ok(count: 5))
        guard case .broken(let problem) = verifier.verify(forged, head: head, checkpoint: checkpoint) else {
            Issue.record("rewrite not detected"); return
        }
        #expect(problem == BeadChainBreak(seq: 3, problem: .rewritten, detail: problem.detail))
    }

    @Test func checkpointsParseOnlyInTheirPrintedForm() throws {
        let hash = String(repeating: "ab", count: 32)
        #expect(
            try BeadChainCheckpoint(parsing: "60:\(hash)\n") == BeadChainCheckpoint(length: 60, hash: hash))
        #expect(try BeadChainCheckpoint(parsing: "0:\(hash.uppercased())").hash == hash)
        #expect(BeadChainCheckpoint(length: 7, hash: hash).description == "7:\(hash)")
        for bad in [
            "", "60", "60:", ":\(hash)", "-1:\(hash)", "60:\(hash.prefix(8))", "60:\(hash)ff",
            "60:\(hash):1", "x:\(hash)", "60:\(hash.dropLast())g", "6\u{0}0:\(hash)",
        ] {
            #expect(throws: BeadChainCheckpointError.self, "\(bad.debugDescription)") {
                try BeadChainCheckpoint(parsing: bad)
            }
        }
    }

    @Test func encodingSeparatesFields() {
        // Length prefixes mean moving text between fields changes the encoding.
        let a = Bead(seq: 1, jobID: nil, kind: "ab", message: "c", createdAtMillis: 0, prevHash: "")
        let b = Bead(seq: 1, jobID: nil, kind: "a", message: "bc", createdAtMillis: 0, prevHash: "")
        #expect(a.canonicalEncoding() != b.canonicalEncoding())
    }
}
