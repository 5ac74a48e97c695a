/// A pipeline as data: stages and the dependencies between them (a DAG).
///
/// Independent stages run in parallel; a stage starts only when everything it depends on
/// has finished. Validation is here, in Core, so a broken template is refused before any
/// job runs.
public struct PipelineTemplate: Sendable, Hashable, Codable {
    public struct StageSpec: Sendable, Hashable, Codable {
        public var name: StageName
        /// Which implementation runs it (defaults to the stage's name): lets a template run
        /// two review stages with different models.
        public var kind: String
        public var dependsOn: [StageName]
        public var timeoutSeconds: Int
        public var model: String?
        public var role: String?
        public var maxRetries: Int
        /// Optional stages are skipped when their implementation is not available.
        public var optional: Bool

        public init(
            _ name: StageName, kind: String? = nil, dependsOn: [StageName] = [], timeoutSeconds: Int = 600,
            model: String? = nil, role: String? = nil, maxRetries: Int = 1, optional: Bool = false
        ) {
            self.name = name
            self.kind = kind ?? name.rawValue
            self.dependsOn = dependsOn
            self.timeoutSeconds = timeoutSeconds
            self.model = model
            self.role = role
            self.maxRetries = maxRetries
            self.optional = optional
        }
    }

    public var name: String
    public var stages: [StageSpec]

    public init(name: String, stages: [StageSpec]) {
        self.name = name
        self.stages = stages
    }

    /// analyze → plan → implement → (generate_tests → update_docs) → check → review ∥ test →
    /// approve → merge. `review` and `test` both follow `check` and run in parallel; the two
    /// optional stages pass straight through unless they are turned on.
    public static let standard = PipelineTemplate(
        name: "default",
        stages: [
            StageSpec(.analyze, timeoutSeconds: 300, role: "analyst"),
            StageSpec(.plan, dependsOn: [.analyze], timeoutSeconds: 300, role: "planner"),
            StageSpec(.implement, dependsOn: [.plan], timeoutSeconds: 900, role: "implementer"),
            StageSpec(
                .generateTests, dependsOn: [.implement], timeoutSeconds: 600, role: "test_writer",
                optional: true),
            StageSpec(
                .updateDocs, dependsOn: [.generateTests], timeoutSeconds: 600, role: "doc_writer",
                optional: true),
            StageSpec(.check, dependsOn: [.updateDocs], timeoutSeconds: 60),
            StageSpec(.review, dependsOn: [.check], timeoutSeconds: 300, role: "reviewer"),
            StageSpec(.test, dependsOn: [.check], timeoutSeconds: 900),
            StageSpec(.approve, dependsOn: [.review, .test], timeoutSeconds: 0, maxRetries: 0),
            // No deadline: a merge waits its turn in the merge queue, and the work it waits for is
            // bounded by the test command's and git's own timeouts.
            StageSpec(.merge, dependsOn: [.approve], timeoutSeconds: 0),
        ])

    public func spec(_ name: StageName) -> StageSpec? { stages.first { $0.name == name } }

    /// Stage names in an order where every stage follows its dependencies.
    public func topologicalOrder() throws(PipelineError) -> [StageName] {
        try validate()
        var order: [StageName] = []
        var done: Set<StageName> = []
        while order.count < stages.count {
            for stage in stages where !done.contains(stage.name) && stage.dependsOn.allSatisfy(done.contains)
            {
                order.append(stage.name)
                done.insert(stage.name)
            }
        }
        return order
    }

    /// Stages not yet finished whose dependencies all are.
    public func ready(finished: Set<StageName>, running: Set<StageName>) -> [StageName] {
        stages.filter { stage in
            !finished.contains(stage.name) && !running.contains(stage.name)
                && stage.dependsOn.allSatisfy(finished.contains)
        }.map(\.name)
    }

    /// Everything `stage` transitively depends on.
    public func ancestors(of stage: StageName) -> Set<StageName> {
        var result: Set<StageName> = []
        var pending = spec(stage)?.dependsOn ?? []
        while let next = pending.popLast() {
            if result.insert(next).inserted { pending += spec(next)?.dependsOn ?? [] }
        }
        return result
    }

    /// Whether the pipeline ends in a merge: without one a finished job is `completed`, never
    /// `merged`, because git was not touched.
    public var merges: Bool { stages.contains { $0.kind == StageName.merge.rawValue } }

    /// Refuses a pipeline whose `merge` can run without both the policy check and the
    /// approval gate having run before it, unless the configuration says so explicitly
    /// (`allow_ungated_merge`). A merge waits for every ancestor, so a gate counts when it is
    /// among the merge stage's ancestors; an optional stage may be skipped, so it does not.
    public func validateGates(allowUngatedMerge: Bool) throws(PipelineError) {
        guard !allowUngatedMerge else { return }
        for merge in stages where merge.kind == StageName.merge.rawValue {
            let gates = Set(
                ancestors(of: merge.name).compactMap(spec).filter { !$0.optional }.map(\.kind))
            let missing = StageName.mergeGates.filter { !gates.contains($0) }
            if !missing.isEmpty { throw .ungatedMerge(stage: merge.name, missing: missing) }
        }
    }

    public func validate() throws(PipelineError) {
        if stages.isEmpty { throw .empty }
        var seen: Set<StageName> = []
        for stage in stages {
            if !seen.insert(stage.name).inserted { throw .duplicateStage(stage.name) }
            if stage.timeoutSeconds < 0 { throw .invalidTimeout(stage.name) }
            if stage.maxRetries < 0 { throw .invalidRetries(stage.name) }
        }
        for stage in stages {
            for dependency in stage.dependsOn where !seen.contains(dependency) {
                throw .missingDependency(stage: stage.name, dependency: dependency)
            }
        }
        // Kahn's algorithm: whatever cannot be ordered is on a cycle.
        var indegree = Dictionary(uniqueKeysWithValues: stages.map { ($0.name, $0.dependsOn.count) })
        var queue = stages.filter { $0.dependsOn.isEmpty }.map(\.name)
        var ordered = 0
        while let next = queue.popLast() {
            ordered += 1
            for stage in stages where stage.dependsOn.contains(next) {
                indegree[stage.name, default: 0] -= 1
                if indegree[stage.name] == 0 { queue.append(stage.name) }
            }
        }
        if ordered < stages.count {
            let cycle = stages.map(\.name).filter { (indegree[$0] ?? 0) > 0 }
            throw .cycle(cycle)
        }
    }
}

/// A template that cannot run, named by stage.
public enum PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case duplicateStage(StageName)
    case missingDependency(stage: StageName, dependency: StageName)
    case cycle([StageName])
    case unknownStageKind(stage: StageName, kind: String)
    case invalidTimeout(StageName)
    case invalidRetries(StageName)
    /// A merge stage that does not follow every gate in `StageName.mergeGates`.
    case ungatedMerge(stage: StageName, missing: [String])

    public var description: String {
        switch self {
        case .empty: "the pipeline has no stages"
        case .duplicateStage(let name): "stage '\(name)' is defined twice"
        case .missingDependency(let stage, let dependency):
            "stage '\(stage)' depends on '\(dependency)', which is not defined"
        case .cycle(let names):
            "stages \(names.map(\.rawValue).joined(separator: ", ")) depend on each other in a cycle"
        case .unknownStageKind(let stage, let kind): "stage '\(stage)' has unknown kind '\(kind)'"
        case .invalidTimeout(let name): "stage '\(name)' has a negative timeout"
        case .invalidRetries(let name): "stage '\(name)' has negative max_retries"
        case .ungatedMerge(let stage, let missing):
            "stage '\(stage)' merges without \(missing.map { "'\($0)'" }.joined(separator: " or ")) before it; "
                + "add the missing stage to its depends_on chain, or set allow_ungated_merge = true in [pipeline] "
                + "to merge unchecked patches on purpose"
        }
    }

    /// The stage the error is about, so the config loader can point at its line.
    public var stage: StageName? {
        switch self {
        case .empty, .cycle: nil
        case .duplicateStage(let name), .invalidTimeout(let name), .invalidRetries(let name): name
        case .missingDependency(let stage, _), .unknownStageKind(let stage, _), .ungatedMerge(let stage, _):
            stage
        }
    }
}
