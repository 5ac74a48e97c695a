import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// What a store announces for each bead, and the payloads on the wire.
@Suite struct StoreChangeTests {
    private func bead(_ kind: BeadKind, job: JobID? = JobID(), _ metadata: [String: String] = [:]) -> Bead {
        Bead(
            seq: 1, jobID: job, kind: kind, stage: nil, message: "m", metadata: metadata, createdAtMillis: 0,
            prevHash: Bead.genesisHash)
    }

    @Test func beadsAnnounceWhatEnginesAndConsolesReactTo() {
        let id = JobID()
        #expect(StoreChange.announced(by: bead(.jobCreated)) == [.beadAppended, .jobQueued])
        #expect(StoreChange.announced(by: bead(.stageStarted)) == [.beadAppended])
        // An auto-approval mid-pipeline: its own engine merges, so no other engine looks.
        #expect(StoreChange.announced(by: bead(.patchApproved)) == [.beadAppended])
        #expect(StoreChange.announced(by: bead(.budgetSet, job: nil)) == [.beadAppended, .budgetChanged])
        // A running job cancelled elsewhere: its engine must stop the stage.
        #expect(
            StoreChange.announced(by: bead(.stateChanged, job: id, ["from": "running", "to": "cancelled"]))
                == [.beadAppended, .jobStopped(id)])
        // Reclaimed after its lease lapsed: stopped there, and queued for anyone.
        #expect(
            StoreChange.announced(by: bead(.stateChanged, job: id, ["from": "running", "to": "queued"]))
                == [.beadAppended, .jobStopped(id), .jobQueued])
        #expect(
            StoreChange.announced(
                by: bead(.stateChanged, job: id, ["from": "awaiting_approval", "to": "merging"]))
                == [.beadAppended, .approvalDecided])
        // The claim itself stops nothing.
        #expect(
            StoreChange.announced(by: bead(.stateChanged, job: id, ["from": "queued", "to": "running"]))
                == [.beadAppended])
        // Unreadable metadata (an older or damaged bead) announces only the bead.
        #expect(
            StoreChange.announced(by: bead(.stateChanged, job: id, ["from": "\u{0}", "to": "nowhere"]))
                == [.beadAppended])
    }

    @Test func payloadsRoundTripAndAnythingElseIsIgnored() throws {
        let changes: [StoreChange] = [
            .jobQueued, .approvalDecided, .jobStopped(JobID()), .budgetChanged, .beadAppended,
        ]
        for change in changes {
            let payload = try #require(change.payload)
            #expect(StoreChange(payload: payload) == change)
        }
        #expect(StoreChange.listening.payload == nil)
        #expect(StoreChange.interrupted("x").payload == nil)
        let id = JobID()
        for foreign in [
            "", " ", "job_queued ", "job_queued extra", "job_stopped", "job_stopped not-an-id",
            "job_stopped \(id.rawValue) more", "JOB_QUEUED", "job_queued\u{0}", "\u{1b}[2Jjob_queued",
            "listening", String(repeating: "a", count: 100_000),
        ] {
            #expect(StoreChange(payload: foreign) == nil, "accepted \(foreign.prefix(40).debugDescription)")
        }
        // A job id in lower case is the same job.
        #expect(StoreChange(payload: "job_stopped " + id.rawValue.lowercased()) == .jobStopped(id))
    }
}
