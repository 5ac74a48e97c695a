import PilothouseCore
import Testing

/// A pipeline may not merge what no check and no operator (or rule) saw, unless the
/// configuration says so.
@Suite struct PipelineGateTests {
    typealias Spec = PipelineTemplate.StageSpec

    @Test func theDefaultPipelineIsGated() throws {
        try PipelineTemplate.standard.validateGates(allowUngatedMerge: false)
        #expect(PipelineTemplate.standard.merges)
    }

    @Test func implementThenMergeIsRefusedNamingWhatIsMissing() {
        let template = PipelineTemplate(
            name: "fast", stages: [Spec(.implement), Spec(.merge, dependsOn: [.implement])])
        #expect(throws: PipelineError.ungatedMerge(stage: .merge, missing: ["check", "approve"])) {
            try template.validateGates(allowUngatedMerge: false)
        }
        #expect(
            PipelineError.ungatedMerge(stage: .merge, missing: ["check"]).description.contains(
                "allow_ungated_merge = true"))
        #expect(throws: Never.self) { try template.validateGates(allowUngatedMerge: true) }
    }

    /// A gate beside the merge instead of before it gates nothing.
    @Test func aGateOffTheMergePathDoesNotCount() {
        let template = PipelineTemplate(
            name: "side",
            stages: [
                Spec(.implement), Spec(.check, dependsOn: [.implement]),
                Spec(.approve, dependsOn: [.check]), Spec(.merge, dependsOn: [.implement]),
            ])
        #expect(throws: PipelineError.ungatedMerge(stage: .merge, missing: ["check", "approve"])) {
            try template.validateGates(allowUngatedMerge: false)
        }
    }

    /// Gates count by kind, not name; an optional one may be skipped, so it does not count.
    @Test func gatesCountByKindAndOnlyWhenRequired() throws {
        let renamed = PipelineTemplate(
            name: "renamed",
            stages: [
                Spec("policy", kind: "check"), Spec("human", kind: "approve", dependsOn: ["policy"]),
                Spec("land", kind: "merge", dependsOn: ["human"]),
            ])
        try renamed.validateGates(allowUngatedMerge: false)
        let optional = PipelineTemplate(
            name: "optional",
            stages: [
                Spec(.check, optional: true), Spec(.approve, dependsOn: [.check]),
                Spec(.merge, dependsOn: [.approve]),
            ])
        #expect(throws: PipelineError.ungatedMerge(stage: .merge, missing: ["check"])) {
            try optional.validateGates(allowUngatedMerge: false)
        }
        // A stage named "merge" of another kind is not a merge.
        let notAMerge = PipelineTemplate(name: "n", stages: [Spec(.analyze), Spec(.merge, kind: "review")])
        try notAMerge.validateGates(allowUngatedMerge: false)
        #expect(!notAMerge.merges)
    }

    @Test func aPipelineWithoutMergeIsAllowedAndSaysSo() throws {
        let template = PipelineTemplate(name: "look", stages: [Spec(.analyze)])
        try template.validateGates(allowUngatedMerge: false)
        #expect(!template.merges)
        #expect(JobStateMachine.canTransition(from: .running, to: .completed))
        #expect(!JobStateMachine.canTransition(from: .running, to: .merged))
        #expect(JobState.completed.isTerminal)
    }
}
