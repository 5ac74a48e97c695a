import Foundation
import MCP
import PilothouseCore
import PilothouseEngine
import Testing

@testable import PilothouseMCP

/// `enqueue`, `submit_patch`, `import_plan` against a real store: what a client sends goes
/// through the command line's checks, and a refusal leaves nothing behind.
@Suite struct IntakeToolTests {
    @Test func enqueueQueuesTheJobTheCommandLineWouldAndReadsBack() throws {
        let fixture = try MCPFixture()
        let job = try fixture.object(
            "enqueue",
            [
                "goal": "  Replace the bubble sort in Sort.swift\nwith the standard library's sort  ",
                "priority": "P1",
                "category": "performance", "files": ["Sources/Sort.swift", " "],
            ])
        #expect(job["title"] == "Replace the bubble sort in Sort.swift")
        #expect(job["priority"] == "P1")
        #expect(job["category"] == "performance")
        #expect(job["files_hint"] == ["Sources/Sort.swift"])
        #expect(job["state"] == "queued")
        let id = try #require(job["id"]?.stringValue)
        let read = try fixture.object("get_job", ["id": .string(String(id.suffix(6)))])
        #expect(read["job"]?.objectValue?["id"]?.stringValue == id)
        #expect(read["beads"]?.arrayValue?.first?.objectValue?["kind"] == "job_created")
    }

    @Test func aGoalWithANulByteIsStoredWithoutIt() throws {
        let fixture = try MCPFixture()
        let job = try fixture.object("enqueue", ["goal": "Fix a\u{0}b"])
        #expect(job["goal"] == "Fix a\u{FFFD}b")
        #expect(try fixture.store.jobs().first?.goal == "Fix a\u{FFFD}b")
    }

    @Test func aHugeGoalIsRefusedByTheLimitWithHowToRaiseIt() throws {
        let fixture = try MCPFixture()
        let result = fixture.call("enqueue", ["goal": .string(String(repeating: "x", count: 20 << 20))])
        #expect(result.isError == true)
        #expect(
            result.text.hasPrefix("the goal: more than 262144 bytes, the limit [limits] goal_bytes; raise it")
        )
        #expect(try fixture.store.jobs().isEmpty)
        let title = fixture.call(
            "enqueue", ["goal": "g", "title": .string(String(repeating: "t", count: 300_000))])
        #expect(title.text.hasPrefix("the title: more than 262144 bytes"))
    }

    @Test(arguments: ["../outside.swift", "/etc/passwd", ".git/config", "a/../../b", "x\u{1B}[2J"])
    func aFileOutsideTheRepositoryIsRefusedAtIntake(_ path: String) throws {
        let fixture = try MCPFixture()
        let result = fixture.call("enqueue", ["goal": "g", "files": [.string(path)]])
        #expect(result.isError == true)
        #expect(result.text.hasPrefix("files: path "), "\(result.text)")
        #expect(
            result.text.hasSuffix(
                "name files by their path inside the repository, such as Sources/App/main.swift"))
        #expect(try fixture.store.jobs().isEmpty)
        #expect(try fixture.store.beads().isEmpty)
    }

    @Test func anEmptyGoalOrAWrongLabelIsRefused() throws {
        let fixture = try MCPFixture()
        #expect(
            fixture.call("enqueue", ["goal": " \n "]).text
                == "the goal is empty; say what the job should achieve")
        #expect(fixture.call("enqueue", [:]).text == "enqueue: 'goal' is required")
        #expect(
            fixture.call("enqueue", ["goal": "g", "priority": "someday"]).text
                == "enqueue: unknown priority 'someday'; use P0, P1, P2 or P3")
        #expect(
            fixture.call("enqueue", ["goal": "g", "category": "vibes"]).text.hasPrefix(
                "enqueue: unknown category 'vibes'"))
        #expect(try fixture.store.jobs().isEmpty)
    }

    @Test func submitPatchQueuesACleanPatchWithTheJob() throws {
        let fixture = try MCPFixture()
        let job = try fixture.object("submit_patch", ["diff": .string(MCPFixture.twoHunks)])
        #expect(job["goal"] == "Apply the patch submitted over MCP.")
        let id = try #require(JobID(job["id"]?.stringValue ?? ""))
        #expect(try fixture.store.operatorPatch(id) == Data(MCPFixture.twoHunks.utf8))
    }

    @Test func submitPatchRefusesASecretAnEscapeAndNonsenseAndStoresNothing() throws {
        let fixture = try MCPFixture()
        let secret = """
            diff --git a/env.txt b/env.txt
            --- a/env.txt
            +++ b/env.txt
            @@ -1,1 +1,1 @@
            -key = none
            +key = AKIAIOSFODNN7EXAMPLE

            """
        let leaked = fixture.call("submit_patch", ["diff": .string(secret), "goal": "rotate"])
        #expect(leaked.isError == true)
        #expect(leaked.text.hasPrefix("submit_patch: diff: the patch adds what looks like a secret (aws"))
        #expect(!leaked.text.contains("AKIAIOSFODNN7EXAMPLE"))
        let escape = "diff --git a/../x b/../x\n--- a/../x\n+++ b/../x\n@@ -1 +1 @@\n-a\n+b\n"
        #expect(
            fixture.call("submit_patch", ["diff": .string(escape)]).text.contains(
                "uses '..' to leave its directory"))
        #expect(
            fixture.call("submit_patch", ["diff": "hello"]).text.hasPrefix(
                "submit_patch: diff: not a unified diff"))
        var small = PilothouseConfig()
        small.limits.patchBytes = 1024
        fixture.config = small
        let large = fixture.call(
            "submit_patch", ["diff": .string(MCPFixture.twoHunks + String(repeating: " ", count: 2000))])
        #expect(
            large.text.hasPrefix("submit_patch: diff: more than 1024 bytes, the limit [limits] patch_bytes"))
        #expect(try fixture.store.jobs().isEmpty)
    }

    static let plan = """
        # Fix plan

        ## P0 — Critical

        ### 1. Parser crashes on empty input
        The parser traps on an empty string.

        ### 2. Slow startup
        Startup reads every file twice.
        """

    @Test func importPlanImportsAPlanInsideTheRepositoryOnce() throws {
        let fixture = try MCPFixture()
        try fixture.write("docs/PLAN.md", Self.plan)
        let first = try fixture.object("import_plan", ["path": "docs/PLAN.md"])
        #expect(first["added"]?.arrayValue?.count == 2)
        let again = try fixture.object("import_plan", ["path": .string(fixture.root + "/docs/PLAN.md")])
        #expect(again["added"]?.arrayValue?.isEmpty == true)
        #expect(again["unchanged"] == 2)
        #expect(try fixture.store.jobs().allSatisfy { $0.sourcePlan == "docs/PLAN.md" })
        // The plan is offered as a resource, read as stored text is.
        let resources = try PlanResources(tools: fixture.tools).list().resources
        #expect(resources.map(\.uri) == ["pilothouse-plan:///docs/PLAN.md"])
        let read = try PlanResources(tools: fixture.tools).read("pilothouse-plan:///docs/PLAN.md")
        #expect(read.contents.first?.text == Self.plan)
        #expect(throws: MCPError.self) {
            try PlanResources(tools: fixture.tools).read("pilothouse-plan:///etc/passwd")
        }
    }

    @Test func importPlanReadsNothingOutsideTheRepository() throws {
        let fixture = try MCPFixture()
        let outside = NSTemporaryDirectory() + "pilothouse-mcp-outside-" + UUID().uuidString + ".md"
        try Data(Self.plan.utf8).write(to: URL(fileURLWithPath: outside))
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.createSymbolicLink(
            atPath: fixture.root + "/linked.md", withDestinationPath: outside)
        for (path, words) in [
            (outside, "is outside the repository"),
            (fixture.root + "/../x.md", "is outside the repository"),
            ("../x.md", "uses '..'"),
            ("linked.md", "outside"),
            (".pilothouse/pilothouse.db", ".pilothouse"),
            (".git/config", ".git"),
            ("missing.md", "no such file"),
        ] {
            let result = fixture.call("import_plan", ["path": .string(path)])
            #expect(result.isError == true, "\(path)")
            #expect(result.text.contains(words), "\(path): \(result.text)")
        }
        #expect(try fixture.store.jobs().isEmpty)
    }
}
