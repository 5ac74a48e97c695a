import Foundation
import Testing

@testable import PilothouseEngine

/// Publishing reports what went wrong in git's words, which land in beads and on screen: they
/// must never carry a credential of the remote's URL.
@Suite struct IntegrationPublisherTests {
    @Test func aFailedPushNamesTheRemoteWithoutItsPassword() async throws {
        let sandbox = try GitSandbox()
        try sandbox.git("branch", "pilothouse/integration")
        // Written unencoded, the `@` in the password makes git itself show what follows it.
        try sandbox.git("remote", "add", "origin", "https://bot:s3c@ret-token@127.0.0.1:1/r.git")
        let publisher = IntegrationPublisher(
            remote: "origin", pullRequestBase: nil, repositoryRoot: sandbox.root)
        let steps = await publisher.publish(branch: "pilothouse/integration", title: "t")
        let step = try #require(steps.first)
        #expect(!step.succeeded)
        #expect(step.message.contains("git push origin pilothouse/integration failed"))
        #expect(!step.message.contains("s3c") && !step.message.contains("ret-token"), "\(step.message)")
    }
}
