import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine
@testable import PilothouseSQLiteStore

/// Proves from the bead chain itself that the DAG and the caps are honoured.
@Suite(.timeLimit(.minutes(3))) struct EngineSchedulingTests {
    let directory = TemporaryDirectory()

    @Test func fiftyJobsRespectDependenciesOverlapAndCaps() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        for index in 0..<50 {
            try store.enqueue(Job(title: "job \(index)", goal: "g", priority: Priority(rawValue: index % 4)!))
        }
        let engine = try Engine(
            store: store, template: .standard,
            stages: EngineFixture.passingStages(
                testDuration: .milliseconds(15), reviewDuration: .milliseconds(15)),
            models: NoModels(), configuration: EngineFixture.configuration(swarm: 8, limits: [.test: 2]),
            repositoryRoot: directory.path)
        let summary = await engine.run(untilIdle: true)
        let debug =
            "\(try store.jobCounts()) \(try store.beads().suffix(12).map { "\($0.kind) \($0.stage?.rawValue ?? "") \($0.message)" })"
        #expect(summary.merged.count == 50, "\(debug)")
        #expect(try store.jobs(state: .merged).count == 50)
        #expect(try store.verifyBeads() == .ok(count: try store.beads().count))

        let beads = try store.beads()
        // Caps: walking the chain in order, never more than two tests between start and finish.
        var runningTests = 0
        var maxTests = 0
        for bead in beads where bead.stage == .test {
            if bead.kind == .stageStarted { runningTests += 1 }
            if bead.kind == .stageFinished || bead.kind == .stageFailed { runningTests -= 1 }
            maxTests = max(maxTests, runningTests)
        }
        #expect(maxTests <= 2)
        #expect(maxTests == 2, "the cap was never reached, so it was not exercised")

        var overlapping = 0
        for job in try store.jobs() {
            let chain = beads.filter { $0.jobID == job.id }
            func seq(_ kind: BeadKind, _ stage: StageName) throws -> Int64 {
                try #require(
                    chain.first { $0.kind == kind && $0.stage == stage }?.seq,
                    "\(kind) \(stage) of \(job.id.short)")
            }
            // Dependencies: a stage starts only after everything it depends on finished.
            for spec in PipelineTemplate.standard.stages where spec.kind != "approve" && !spec.optional {
                for dependency in spec.dependsOn where dependency != .approve {
                    #expect(try seq(.stageStarted, spec.name) > seq(.stageFinished, dependency))
                }
            }
            // Independence: review and test (both after check) ran at the same time.
            let reviewStart = try seq(.stageStarted, .review)
            let reviewEnd = try seq(.stageFinished, .review)
            let testStart = try seq(.stageStarted, .test)
            let testEnd = try seq(.stageFinished, .test)
            if reviewStart < testEnd && testStart < reviewEnd { overlapping += 1 }
            // Timestamps agree with the order.
            let started = chain.first { $0.kind == .stageStarted && $0.stage == .merge }!.createdAtMillis
            let checked = chain.first { $0.kind == .stageFinished && $0.stage == .check }!.createdAtMillis
            #expect(started >= checked)
        }
        #expect(overlapping > 0, "review and test never overlapped")
    }

    @Test func higherPriorityJobsAreClaimedFirst() async throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let low = try store.enqueue(Job(title: "low", goal: "g", priority: .p3))
        let high = try store.enqueue(Job(title: "high", goal: "g", priority: .p0))
        let engine = try Engine(
            store: store, template: .standard, stages: EngineFixture.passingStages(), models: NoModels(),
            configuration: EngineFixture.configuration(swarm: 1), repositoryRoot: directory.path)
        _ = await engine.run(untilIdle: true)
        let claims = try store.beads().filter { $0.kind == .stateChanged && $0.metadata["to"] == "running" }
            .map(\.jobID)
        #expect(claims == [high.id, low.id])
    }

    @Test func templateCyclesAndUnknownKindsAreRefused() throws {
        let store = try SQLiteStore.openOrCreate(path: directory.file("p.db"))
        let cyclic = PipelineTemplate(
            name: "bad", stages: [.init("a", dependsOn: ["b"]), .init("b", dependsOn: ["a"])])
        #expect(throws: PipelineError.cycle(["a", "b"])) {
            try Engine(store: store, template: cyclic, stages: [:], models: NoModels(), repositoryRoot: "/")
        }
        #expect(throws: PipelineError.unknownStageKind(stage: .analyze, kind: "analyze")) {
            try Engine(
                store: store, template: .standard, stages: [:], models: NoModels(), repositoryRoot: "/")
        }
        let missing = PipelineTemplate(name: "bad", stages: [.init("a", dependsOn: ["zzz"])])
        #expect(throws: PipelineError.missingDependency(stage: "a", dependency: "zzz")) {
            try missing.validate()
        }
    }
}
