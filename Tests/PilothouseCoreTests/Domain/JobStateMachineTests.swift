import Testing

@testable import PilothouseCore

@Suite struct JobStateMachineTests {
    @Test func happyPathIsAllowed() throws {
        var job = Job(title: "t", goal: "g")
        for next in [JobState.running, .awaitingApproval, .merging, .merged] {
            try job.transition(to: next)
        }
        #expect(job.state == .merged)
    }

    @Test func mergedIsFinal() {
        for next in JobState.allCases {
            #expect(throws: JobStateError.illegalTransition(from: .merged, to: next)) {
                try JobStateMachine.transition(from: .merged, to: next)
            }
        }
    }

    @Test func illegalTransitionLeavesTheJobUnchanged() {
        var job = Job(title: "t", goal: "g")
        #expect(throws: JobStateError.self) { try job.transition(to: .merged) }
        #expect(job.state == .queued)
    }

    @Test func errorMessageListsTheAllowedStates() {
        let error = JobStateError.illegalTransition(from: .queued, to: .merged)
        #expect(error.description.contains("queued to merged"))
        #expect(error.description.contains("running"))
    }

    @Test func everyStateHasAnEntry() {
        for state in JobState.allCases {
            #expect(JobStateMachine.allowed[state] != nil, "missing \(state)")
        }
    }

    @Test func onlyTerminalStatesCannotRun() {
        #expect(JobState.merged.isTerminal)
        #expect(!JobState.quarantined.isTerminal)
        #expect(!JobState.budgetHold.isTerminal)
    }
}
