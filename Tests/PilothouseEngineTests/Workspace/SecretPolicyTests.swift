import Foundation
import PilothouseCore
import Testing

@testable import PilothouseEngine

/// Which findings block a patch and which are only redacted (issue #10, point 3).
@Suite struct SecretPolicyTests {
    /// An upstream-style change: a podspec and a maintainers file naming their authors.
    static let authorsPatch = """
        --- a/Example.podspec
        +++ b/Example.podspec
        @@ -1 +1,3 @@
         Pod::Spec.new do |s|
        +  s.authors = { 'Jane Doe' => 'jane.doe@gmail.com' }
        +  s.homepage = 'https://github.com/jane/example'
        --- /dev/null
        +++ b/MAINTAINERS
        @@ -0,0 +1 @@
        +Jane Doe <jane.doe@gmail.com>

        """
    static let awsPatch =
        "--- a/config.py\n+++ b/config.py\n@@ -1 +1,2 @@\n x = 1\n+AWS_KEY = \"AKIAIOSFODNN7EXAMPLE\"\n"

    func violations(_ diff: String, policy: PolicySection = PolicySection(), redactor: Redactor = .standard)
        throws -> [PolicyEvaluator.Violation]
    {
        try PolicyEvaluator(policy: policy, redactor: redactor).violations(
            in: UnifiedDiff(parsing: Data(diff.utf8)))
    }

    @Test func anAuthorsEmailDoesNotBlockAPatch() throws {
        #expect(try violations(Self.authorsPatch).isEmpty)
    }

    @Test func credentialsStillBlock() throws {
        #expect(try violations(Self.awsPatch).map(\.reason) == [.secretDetected])
    }

    @Test func theBlockingSetIsConfigurable() throws {
        var policy = PolicySection()
        policy.blockSecrets = ["email"]
        let emails = try violations(Self.authorsPatch, policy: policy)
        #expect(emails.map(\.reason) == [.secretDetected, .secretDetected])
        // Still redacted in what the quarantine record shows.
        #expect(emails.flatMap(\.lines).allSatisfy { !$0.contains("jane.doe@gmail.com") })
        #expect(try violations(Self.awsPatch, policy: policy).isEmpty)
    }

    @Test func customPatternsBlockByDefault() throws {
        let redactor = Redactor.standard.adding([
            try SecretPattern(kind: "acme_token", regex: #"acme_[0-9a-f]{16}"#)
        ])
        let diff = "--- a/a.py\n+++ b/a.py\n@@ -1 +1,2 @@\n x = 1\n+T = 'acme_0123456789abcdef'\n"
        #expect(try violations(diff, redactor: redactor).map(\.reason) == [.secretDetected])
    }

    @Test func configNamesTheBlockingPatternsAndRefusesUnknownOnes() throws {
        let config = try PilothouseConfig.parse(
            "[policy]\nblock_secrets = [\"aws_access_key\", \"acme\"]\n[redaction.patterns]\nacme = \"acme_[0-9]+\"\n",
            path: "p.toml")
        #expect(config.policy.blockSecrets == ["aws_access_key", "acme"])
        #expect {
            try PilothouseConfig.parse("[policy]\n\nblock_secrets = [\"aws_key_typo\"]\n", path: "p.toml")
        } throws: { error in
            guard case ConfigError.invalidValue(_, 3, "policy.block_secrets", _, let expected) = error else {
                return false
            }
            return expected.contains("aws_access_key")
        }
    }

    @Test func implementStoresAPatchWithAnAuthorsEmail() async throws {
        let sandbox = try GitSandbox(files: ["MAINTAINERS": Array("Ann <ann@example.com>\n".utf8)])
        let recorder = StageRecorder()
        let answer = "MAINTAINERS\n<<<<<<< SEARCH\n=======\nJane Doe <jane.doe@gmail.com>\n>>>>>>> REPLACE\n"
        let context = await makeContext(
            job: Job(title: "t", goal: "g"), stage: .implement, recorder: recorder,
            model: ScriptedModel(text: answer), root: sandbox.root)
        _ = try await ImplementStage(worktrees: sandbox.worktrees, integrationBranch: "main").run(context)
        let patch = try #require(await recorder.latest)
        #expect(String(decoding: patch.diff, as: UTF8.self).contains("+Jane Doe <jane.doe@gmail.com>"))
    }
}
