import PilothouseCore
import Testing

@testable import PilothouseEngine

@Suite struct PilothouseConfigTests {
    @Test func templateParsesToTheDefaults() throws {
        let defaults = PilothouseConfig()
        for text in [ConfigTemplate.text, ""] {
            let config = try PilothouseConfig.parse(text, path: "p.toml")
            #expect(config.jobs == defaults.jobs)
            #expect(config.engine == defaults.engine)
        }
    }

    @Test func readsValues() throws {
        let config = try PilothouseConfig.parse(
            "[jobs]\nmax_attempts = 5\ndefault_priority = \"high\"\n", path: "p.toml")
        #expect(config.jobs.maxAttempts == 5)
        #expect(config.jobs.defaultPriority == .p1)
    }

    @Test func syntaxErrorNamesFileAndLine() {
        #expect {
            try PilothouseConfig.parse("[jobs]\nmax_attempts = = 3\n", path: "p.toml")
        } throws: { error in
            guard case ConfigError.syntax(let path, let line, _) = error else { return false }
            return path == "p.toml" && line == 2
        }
    }

    @Test func badValueNamesKeyAndLine() {
        #expect {
            try PilothouseConfig.parse("# c\n[jobs]\n\nmax_attempts = 0\n", path: "p.toml")
        } throws: { error in
            guard case ConfigError.invalidValue(_, let line, let key, _, _) = error else { return false }
            return line == 4 && key == "jobs.max_attempts"
        }
    }

    @Test func retentionReadsAgesAndRefusesNonsense() throws {
        #expect(try PilothouseConfig.parse("", path: "p.toml").retention == RetentionSettings())
        let config = try PilothouseConfig.parse(
            "[retention]\ngc_older_than = \"14d\"\ngc_interval = \"30m\"\n", path: "p.toml")
        #expect(config.retention.gcOlderThan == Double(14 * 86_400))
        #expect(config.retention.gcInterval == 1_800)
        for (text, key, line) in [
            ("[retention]\ngc_older_than = \"soon\"\n", "retention.gc_older_than", 2),
            ("[retention]\ngc_older_than = \"-3d\"\n", "retention.gc_older_than", 2),
            ("[retention]\ngc_older_than = \"nand\"\n", "retention.gc_older_than", 2),
            ("[retention]\n\ngc_interval = \"5s\"\n", "retention.gc_interval", 3),
        ] {
            #expect {
                try PilothouseConfig.parse(text, path: "p.toml")
            } throws: { error in
                guard case ConfigError.invalidValue(_, let reported, let reportedKey, _, _) = error else {
                    return false
                }
                return reported == line && reportedKey == key
            }
        }
    }

    @Test func mcpDecisionsAreOffUnlessAllowedAndTyposNameTheLine() throws {
        #expect(try PilothouseConfig.parse("", path: "p.toml").mcp.allowDecisions == false)
        #expect(
            try PilothouseConfig.parse("[mcp]\nallow_decisions = true\n", path: "p.toml").mcp.allowDecisions)
        #expect {
            try PilothouseConfig.parse("[mcp]\n\nallow_decision = true\n", path: "p.toml")
        } throws: { error in
            (error as? ConfigError)?.description
                == "p.toml:3: unknown setting 'mcp.allow_decision'; known here: allow_decisions"
        }
        #expect {
            try PilothouseConfig.parse("[mcp]\nallow_decisions = \"yes\"\n", path: "p.toml")
        } throws: { error in
            (error as? ConfigError)?.description.hasPrefix("p.toml:2: ") == true
        }
        #expect(
            try PilothouseConfig.parse("[limits]\ngoal_bytes = 4096\n", path: "p.toml").limits.goalBytes
                == 4096)
    }

    @Test func typoIsAnError() {
        #expect {
            try PilothouseConfig.parse("[jobs]\nmax_atempts = 3\n", path: "p.toml")
        } throws: { error in
            (error as? ConfigError)?.description
                == "p.toml:2: unknown setting 'jobs.max_atempts'; known here: default_category, default_priority, max_attempts"
        }
        #expect(throws: ConfigError.self) { try PilothouseConfig.parse("[jobz]\n", path: "p.toml") }
    }

    @Test func engineAndApprovalSettings() throws {
        let config = try PilothouseConfig.parse(
            """
            [engine]
            swarm_size = 8
            lease_seconds = 5

            [engine.stage_limits]
            test = 2

            [approval]
            auto_approve = true
            min_score = 9
            categories = ["docs", "quality"]
            on_reject = "end"
            """, path: "p.toml")
        #expect(config.engine.engine.swarmSize == 8)
        #expect(config.engine.engine.leaseDuration == .seconds(5))
        #expect(config.engine.engine.stageLimits == [.test: 2])
        #expect(
            config.engine.engine.autoApprove
                == AutoApproveRule(enabled: true, minimumScore: 9, categories: [.docs, .quality]))
        #expect(config.engine.engine.onReject == .end)
    }

    @Test func customPipelineIsRead() throws {
        let config = try PilothouseConfig.parse(
            """
            [[pipeline.stages]]
            name = "implement"
            timeout_seconds = 60

            [[pipeline.stages]]
            name = "review"
            depends_on = ["implement"]
            model = "openai:gpt-4o"
            """, path: "p.toml")
        #expect(config.engine.pipeline.stages.map(\.name) == ["implement", "review"])
        #expect(config.engine.pipeline.spec("review")?.model == "openai:gpt-4o")
    }

    @Test func pipelineCycleNamesTheStageLine() {
        #expect {
            try PilothouseConfig.parse(
                """
                [[pipeline.stages]]
                name = "a"
                depends_on = ["b"]

                [[pipeline.stages]]
                name = "b"
                depends_on = ["nope"]
                """, path: "p.toml")
        } throws: { error in
            guard case ConfigError.invalidValue(let path, let line, _, let value, _) = error else {
                return false
            }
            return path == "p.toml" && line == 6 && value.contains("'nope'")
        }
    }

    @Test func unknownStageKeyNamesItsLine() {
        #expect {
            try PilothouseConfig.parse("[[pipeline.stages]]\nname = \"a\"\ntimeout = 3\n", path: "p.toml")
        } throws: { error in
            (error as? ConfigError)?.description.hasPrefix(
                "p.toml:3: unknown setting 'pipeline.stages.timeout'") == true
        }
    }
}

@Suite struct PipelineGateConfigTests {
    static let ungated = """
        [[pipeline.stages]]
        name = "implement"

        [[pipeline.stages]]
        name = "merge"
        depends_on = ["implement"]
        """

    @Test func anUngatedMergeIsRefusedAtTheMergeStagesLine() {
        #expect {
            try PilothouseConfig.parse(Self.ungated, path: "p.toml")
        } throws: { error in
            let text = String(describing: error)
            return text.hasPrefix("p.toml:5:") && text.contains("without 'check' or 'approve'")
                && text.contains("allow_ungated_merge = true")
        }
    }

    @Test func allowUngatedMergeAcceptsItAndTellsTheEngine() throws {
        let config = try PilothouseConfig.parse(
            "[pipeline]\nallow_ungated_merge = true\n\n" + Self.ungated, path: "p.toml")
        #expect(config.engine.engine.allowUngatedMerge)
        #expect(config.engine.pipeline.stages.map(\.name) == [.implement, .merge])
        #expect(try PilothouseConfig.parse("", path: "p.toml").engine.engine.allowUngatedMerge == false)
    }
}
