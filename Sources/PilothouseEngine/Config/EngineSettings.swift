import Foundation
import PilothouseCore

/// `[engine]`, `[approval]` and `[pipeline]`: how jobs are scheduled, gated and staged.
public struct EngineSettings: Sendable, Equatable {
    public var engine = EngineConfiguration()
    public var pipeline = PipelineTemplate.standard
    /// Whether the optional `generate_tests` and `update_docs` stages run.
    public var generateTests = false
    public var updateDocs = false

    public init() {}

    /// The line the status line and `status` show while `allow_ungated_merge` is on.
    public var ungatedMergeWarning: String? {
        engine.allowUngatedMerge
            ? "UNGATED MERGE: allow_ungated_merge = true lets patches merge without check or approve" : nil
    }

    /// Reads the three sections; pipeline errors (cycles, unknown dependencies) point at the
    /// line of the stage they are about.
    mutating func read(_ reader: inout ConfigReader, baseDirectory: String) throws(ConfigError) {
        var engine = self.engine
        try reader.section("engine") { (section: inout ConfigReader.Section) throws(ConfigError) in
            if let value = try section.int("swarm_size", range: 1...256) { engine.swarmSize = value }
            if let value = try section.int("lease_seconds", range: 2...86_400) {
                engine.leaseDuration = .seconds(value)
            }
            if let value = try section.int("poll_ms", range: 10...60_000) {
                engine.pollInterval = .milliseconds(value)
            }
            if let value = try section.int("disk_full_wait_seconds", range: 0...86_400) {
                engine.diskFullPatience = .seconds(value)
            }
            if let limits = try section.intTable("stage_limits", range: 1...1024) {
                engine.stageLimits = Dictionary(
                    uniqueKeysWithValues: limits.map { (StageName($0.key), $0.value) })
            }
        }
        try reader.section("approval") { (section: inout ConfigReader.Section) throws(ConfigError) in
            if let value = try section.bool("auto_approve") { engine.autoApprove.enabled = value }
            if let value = try section.int("min_score", range: 1...10) {
                engine.autoApprove.minimumScore = value
            }
            if let names = try section.stringArray("categories") {
                var categories: Set<JobCategory> = []
                for name in names {
                    guard let category = JobCategory(label: name) else {
                        throw section.invalid(
                            "categories", name,
                            expected: JobCategory.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    categories.insert(category)
                }
                engine.autoApprove.categories = categories
            }
            if let value = try section.string("on_reject") {
                guard let policy = RejectPolicy(rawValue: value) else {
                    throw section.invalid("on_reject", value, expected: "\"retry\" or \"end\"")
                }
                engine.onReject = policy
            }
        }
        var pipeline = self.pipeline
        var pipelineFile: String?
        try reader.section("pipeline") { (section: inout ConfigReader.Section) throws(ConfigError) in
            pipelineFile = try section.string("file")
            if let value = try section.bool("allow_ungated_merge") { engine.allowUngatedMerge = value }
            if let value = try section.bool("generate_tests") { self.generateTests = value }
            if let value = try section.bool("update_docs") { self.updateDocs = value }
            if pipelineFile == nil, let stages = try Self.readStages(&section) {
                pipeline = PipelineTemplate(name: "custom", stages: stages)
            }
            try Self.validate(pipeline, section: section, allowUngatedMerge: engine.allowUngatedMerge)
        }
        if let pipelineFile {
            pipeline = try Self.loadPipelineFile(
                pipelineFile, baseDirectory: baseDirectory, allowUngatedMerge: engine.allowUngatedMerge)
        }
        self.engine = engine
        self.pipeline = pipeline
    }

    private static func readStages(_ section: inout ConfigReader.Section) throws(ConfigError)
        -> [PipelineTemplate.StageSpec]?
    {
        var stages: [PipelineTemplate.StageSpec] = []
        var present = false
        try section.tables("stages") { (stage: inout ConfigReader.Section, _) throws(ConfigError) in
            present = true
            guard let name = try stage.string("name"), !name.isEmpty else {
                throw .invalidValue(
                    path: stage.reader.path, line: stage.line(of: "name"), key: "\(stage.name).name",
                    value: "(missing)",
                    expected: "a stage name such as \"implement\"")
            }
            var spec = PipelineTemplate.StageSpec(StageName(name), kind: try stage.string("kind"))
            spec.dependsOn = (try stage.stringArray("depends_on") ?? []).map(StageName.init(rawValue:))
            if let value = try stage.int("timeout_seconds", range: 0...86_400) { spec.timeoutSeconds = value }
            spec.model = try stage.string("model")
            spec.role = try stage.string("role")
            if let value = try stage.int("max_retries", range: 0...20) { spec.maxRetries = value }
            if let value = try stage.bool("optional") { spec.optional = value }
            stages.append(spec)
        }
        return present ? stages : nil
    }

    /// Structure first (cycles, unknown dependencies), then gates: a merge must follow a
    /// check and an approval unless `allow_ungated_merge` is set in the main configuration.
    private static func validate(
        _ pipeline: PipelineTemplate, section: ConfigReader.Section, allowUngatedMerge: Bool
    ) throws(ConfigError) {
        do {
            try pipeline.validate()
            try pipeline.validateGates(allowUngatedMerge: allowUngatedMerge)
        } catch {
            let index = error.stage.flatMap { name in pipeline.stages.firstIndex { $0.name == name } }
            let line =
                index.map { section.reader.line(of: "name", in: "pipeline.stages", occurrence: $0) } ?? 0
            let expected =
                if case .ungatedMerge = error {
                    "a merge stage that follows a check and an approve stage"
                } else {
                    "stages that each depend only on defined stages, without cycles"
                }
            throw .invalidValue(
                path: section.reader.path, line: line, key: "pipeline", value: error.description,
                expected: expected)
        }
    }

    /// A pipeline kept in its own file (`[pipeline] file = "pipelines/fast.toml"`), in the
    /// same `[[pipeline.stages]]` format.
    private static func loadPipelineFile(_ file: String, baseDirectory: String, allowUngatedMerge: Bool)
        throws(ConfigError) -> PipelineTemplate
    {
        let path = file.hasPrefix("/") ? file : (baseDirectory as NSString).appendingPathComponent(file)
        let text = try ConfigFile.text(at: path)
        var reader = try ConfigReader(parsing: text, path: path)
        var pipeline = PipelineTemplate.standard
        try reader.section("pipeline") { (section: inout ConfigReader.Section) throws(ConfigError) in
            if let stages = try readStages(&section) {
                pipeline = PipelineTemplate(name: (path as NSString).lastPathComponent, stages: stages)
            }
            try validate(pipeline, section: section, allowUngatedMerge: allowUngatedMerge)
        }
        try reader.rejectUnknownSections()
        return pipeline
    }
}
