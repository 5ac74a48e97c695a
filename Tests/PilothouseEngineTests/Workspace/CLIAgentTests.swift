import Foundation
import PilothouseCore
import Synchronization
import Testing

@testable import PilothouseEngine

@Suite struct CLIAgentTests {
    /// A stand-in agent: edits the worktree and reports what it could see.
    func fakeAgent(_ sandbox: GitSandbox) throws -> AgentSettings {
        let script = """
            echo "$1" > "\(sandbox.outside)/prompt.txt"
            env > "\(sandbox.outside)/env.txt"
            cat /proc/net/dev > "\(sandbox.outside)/net.txt"
            echo "tools=$2" > "\(sandbox.outside)/tools.txt"
            printf 'made by agent\\n' > agent.txt
            echo done
            """
        try sandbox.write("fake-agent.sh", script, in: sandbox.outside)
        var settings = AgentSettings(
            name: "fake", kind: .custom, command: ["sh", sandbox.outside + "/fake-agent.sh"],
            arguments: ["{prompt}", "{tools}"])
        settings.allowedTools["implementer"] = ["Read", "Write"]
        return settings
    }

    @Test func agentChangesBecomeThePatchWithAScrubbedEnvironment() async throws {
        let sandbox = try GitSandbox()
        let job = Job(title: "t", goal: "add agent.txt")
        let recorder = StageRecorder()
        var context = await makeContext(job: job, stage: .implement, recorder: recorder, root: sandbox.root)
        context.spec.model = "agent:fake"
        let stage = ImplementStage(
            worktrees: sandbox.worktrees, integrationBranch: "main",
            agents: CLIAgentRunner(agents: ["fake": try fakeAgent(sandbox)]))
        let output = try await stage.run(context)
        #expect(output == .patch(PatchSummary(attempt: 1, filesChanged: 1, linesAdded: 1, linesRemoved: 0)))
        let patch = try #require(await recorder.latest)
        #expect(String(decoding: patch.diff, as: UTF8.self).contains("+made by agent"))
        let environment = String(decoding: sandbox.read("env.txt", in: sandbox.outside) ?? [], as: UTF8.self)
        // Only allowlisted variables reach the agent (plus what `sh` itself sets). Nothing is
        // set with setenv here: changing the environment while other tests spawn processes
        // races Foundation's Process and can crash the test run.
        let allowed = Set(ProcessRunner.environment(allowing: try fakeAgent(sandbox).envAllowlist).keys)
            .union(["PWD", "SHLVL", "_", "OLDPWD"])
        let names = environment.split(separator: "\n").compactMap {
            $0.split(separator: "=", maxSplits: 1).first
        }
        .map(String.init)
        #expect(!names.isEmpty)
        #expect(names.filter { !allowed.contains($0) } == [])
        #expect(ProcessInfo.processInfo.environment.keys.contains { !allowed.contains($0) })
        #expect(
            String(decoding: sandbox.read("tools.txt", in: sandbox.outside) ?? [], as: UTF8.self)
                == "tools=Read,Write\n")
        #expect(
            String(decoding: sandbox.read("prompt.txt", in: sandbox.outside) ?? [], as: UTF8.self).contains(
                "add agent.txt"))
        #expect(await recorder.beads.map(\.0.rawValue) == ["agent_ran"])
    }

    /// The stage hands the agent's prompt and its whole output to the transcript (the engine
    /// stores it when `[gateway] transcripts = true`).
    @Test func anAgentsPromptAndWholeOutputGoToTheTranscript() async throws {
        let sandbox = try GitSandbox()
        let job = Job(title: "t", goal: "add agent.txt")
        let recorder = StageRecorder()
        var context = await makeContext(job: job, stage: .implement, recorder: recorder, root: sandbox.root)
        context.spec.model = "agent:fake"
        let kept = Mutex<[(String, String, String)]>([])
        context.services.recordTranscript = { source, prompt, response in
            kept.withLock { $0.append((source, prompt, response)) }
        }
        let stage = ImplementStage(
            worktrees: sandbox.worktrees, integrationBranch: "main",
            agents: CLIAgentRunner(agents: ["fake": try fakeAgent(sandbox)]))
        _ = try await stage.run(context)
        let transcripts = kept.withLock { $0 }
        #expect(transcripts.map(\.0) == ["agent:fake"])
        #expect(transcripts.first?.1.contains("add agent.txt") == true)
        let bead = try #require(await recorder.beads.first)
        #expect(transcripts.first?.2.hasSuffix(bead.2["output_tail"] ?? "?") == true)
    }

    @Test func networkDenyRunsTheAgentWithoutNetworkOrRefuses() async throws {
        let sandbox = try GitSandbox()
        let runner = CLIAgentRunner(agents: ["fake": try fakeAgent(sandbox)], network: .deny)
        do {
            _ = try await runner.run(agent: "fake", role: "implementer", prompt: "p", in: sandbox.root)
        } catch {
            // Where namespaces are unavailable the only acceptable outcome is a clear refusal.
            guard case .isolation = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(sandbox.read("net.txt", in: sandbox.outside) == nil)
            return
        }
        let interfaces = String(decoding: sandbox.read("net.txt", in: sandbox.outside) ?? [], as: UTF8.self)
            .split(separator: "\n").dropFirst(2).compactMap {
                $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces)
            }
        #expect(interfaces == ["lo"])
    }

    @Test func unknownAgentAndFailuresAreTyped() async throws {
        let sandbox = try GitSandbox()
        let runner = CLIAgentRunner(agents: [:])
        await #expect(throws: CLIAgentError.unknownAgent("nope", known: [])) {
            try await runner.run(agent: "nope", role: "implementer", prompt: "p", in: sandbox.root)
        }
        let failing = AgentSettings(
            name: "bad", kind: .custom, command: ["sh", "-c", "echo oops >&2; exit 4"],
            arguments: ["{prompt}"])
        do {
            _ = try await CLIAgentRunner(agents: ["bad": failing]).run(
                agent: "bad", role: "implementer", prompt: "p", in: sandbox.root)
            Issue.record("expected a failure")
        } catch {
            #expect(error == .failed("bad", exitCode: 4, output: "oops\n"))
        }
    }
}

@Suite struct CLIAgentModelClientTests {
    @Test func agentModelsRunTheAgentAndOthersFallBack() async throws {
        let sandbox = try GitSandbox()
        let agent = AgentSettings(
            name: "reviewer", kind: .custom, command: ["sh", "-c", "echo \"score 8: $0\""],
            arguments: ["{prompt}"])
        let client = CLIAgentModelClient(
            agents: CLIAgentRunner(agents: ["reviewer": agent]), worktrees: sandbox.worktrees,
            fallback: ScriptedModel(text: "from the gateway"))
        let viaAgent = try await client.complete(
            ModelRequest(
                jobID: nil, stage: .review, role: "reviewer", model: "agent:reviewer",
                messages: [.init(.user, "look")]))
        #expect(viaAgent.text == "score 8: look\n")
        let viaGateway = try await client.complete(
            ModelRequest(jobID: nil, stage: .review, role: "reviewer", model: "simulated:sim-1", messages: [])
        )
        #expect(viaGateway.text == "from the gateway")
    }

    @Test func missingIntegrationBranchIsFatal() async throws {
        let sandbox = try GitSandbox()
        let context = await makeContext(
            job: Job(title: "t", goal: "g"), stage: .implement, recorder: StageRecorder(), root: sandbox.root)
        await #expect(throws: StageFailure.self) {
            try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "nope").run(context)
        }
        do {
            _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "nope").run(context)
        } catch {
            guard case .fatal(let message) = error else {
                Issue.record("expected fatal, got \(error)")
                return
            }
            #expect(message.contains("integration_branch"))
        }
    }
}
